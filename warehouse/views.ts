/**
 * The warehouse's shared views, written once: migrations create them in the
 * warehouse, and `openSnapshot` creates the same views over a snapshot's
 * tables, so a reader sees the same names with the same meaning.
 *
 * @module
 */

/** `current_aliases`: the aliases in force (history stays in `model_aliases`). */
export const CURRENT_ALIASES_VIEW = "SELECT * FROM model_aliases WHERE unset_at IS NULL";

/**
 * `champions`: one row per series, its current champion: the alias (when
 * and why it was set), the version (model kind, artifact and its sha256) and
 * the run it came from (training data end, feature set and its hash).
 */
export const CHAMPIONS_VIEW = `
  SELECT a.exchange, a.symbol, a.timeframe, a.version_id, a.set_at, a.reason,
         v.model, v.run_id, v.artifact_path, v.artifact_sha256, v.card_path,
         v.created_at, r.data_start, r.data_end, r.feature_set, r.feature_set_hash
  FROM model_aliases a
  JOIN model_versions v USING (version_id)
  LEFT JOIN model_runs r ON r.run_id = v.run_id
  WHERE a.alias = 'champion' AND a.unset_at IS NULL
  QUALIFY row_number() OVER (PARTITION BY a.exchange, a.symbol, a.timeframe ORDER BY a.set_at DESC) = 1`;

/**
 * SQL that folds a reject reason into its kind (file positions and numbers
 * replaced), for counting rejects by reason: `SELECT ${REJECT_KIND_SQL} AS reason,
 * count(*) FROM rejects GROUP BY 1`.
 */
export const REJECT_KIND_SQL =
  `regexp_replace(regexp_replace(reason, '\\S+\\.(csv|json|txt)(:[0-9]+)?( \\[[0-9]+\\])?', '<file:line>', 'g'),
                  '[0-9]+(\\.[0-9]+)?', 'N', 'g')`;

/** The views `openSnapshot` recreates over a snapshot's tables. */
export const READER_VIEWS = {
  current_aliases: CURRENT_ALIASES_VIEW,
  champions: CHAMPIONS_VIEW,
} as const;

/**
 * The `forecast_ledger` view's SQL (migrations 5 and 6). With `late`, a
 * forecast issued after its target candle had closed gets that status first.
 */
export function ledgerView(create: string, options: { late: boolean }): string {
  const late = options.late
    ? "WHEN epoch(ts) + step_s <= epoch(issued_at) THEN 'late'\n                    "
    : "";
  return `
      ${create} forecast_ledger AS
        WITH f AS (
          SELECT exchange, symbol, timeframe, version_id, issued_at, origin_ts, ts, horizon,
                 any_value(yhat) AS yhat,
                 any_value(lower) FILTER (WHERE abs(level - 0.5) < 1e-9) AS lower_50,
                 any_value(upper) FILTER (WHERE abs(level - 0.5) < 1e-9) AS upper_50,
                 any_value(lower) FILTER (WHERE abs(level - 0.8) < 1e-9) AS lower_80,
                 any_value(upper) FILTER (WHERE abs(level - 0.8) < 1e-9) AS upper_80,
                 any_value(lower) FILTER (WHERE abs(level - 0.95) < 1e-9) AS lower_95,
                 any_value(upper) FILTER (WHERE abs(level - 0.95) < 1e-9) AS upper_95,
                 CASE timeframe WHEN '1m' THEN 60 WHEN '5m' THEN 300 WHEN '15m' THEN 900
                   WHEN '1h' THEN 3600 WHEN '4h' THEN 14400 WHEN '1d' THEN 86400
                   WHEN '1w' THEN 604800 END AS step_s
          FROM forecasts
          GROUP BY exchange, symbol, timeframe, version_id, issued_at, origin_ts, ts, horizon
        ),
        last AS (
          SELECT exchange, symbol, timeframe, max(ts) AS last_ts FROM ohlcv GROUP BY ALL
        ),
        j AS (
          SELECT f.*, v.model, o.close AS origin_close, r.close AS realized,
                 epoch(f.ts) + f.step_s <= epoch(now()) AS target_closed, l.last_ts
          FROM f
          LEFT JOIN model_versions v ON v.version_id = f.version_id
          LEFT JOIN ohlcv o ON o.exchange = f.exchange AND o.symbol = f.symbol
            AND o.timeframe = f.timeframe AND o.ts = f.origin_ts
          LEFT JOIN ohlcv r ON r.exchange = f.exchange AND r.symbol = f.symbol
            AND r.timeframe = f.timeframe AND r.ts = f.ts
            AND epoch(r.ts) + f.step_s <= epoch(now())
          LEFT JOIN last l ON l.exchange = f.exchange AND l.symbol = f.symbol
            AND l.timeframe = f.timeframe
        )
        SELECT exchange, symbol, timeframe, version_id, model, issued_at, origin_ts, ts,
               ts + to_seconds(step_s) AS closes_at, horizon,
               row_number() OVER (PARTITION BY version_id, origin_ts, ts ORDER BY issued_at) > 1
                 AS reissue,
               CASE ${late}WHEN realized IS NOT NULL AND origin_close IS NOT NULL THEN 'scored'
                    WHEN NOT target_closed OR last_ts IS NULL OR ts > last_ts THEN 'pending'
                    ELSE 'missing' END AS status,
               origin_close, yhat, realized,
               lower_50, upper_50, lower_80, upper_80, lower_95, upper_95,
               ln(yhat / origin_close) AS yhat_return,
               ln(realized / origin_close) AS realized_return,
               ln(yhat / realized) AS error_return,
               yhat - realized AS error_price,
               abs(yhat - realized) / realized AS ape,
               ln(origin_close / realized) AS naive_error_return,
               origin_close - realized AS naive_error_price,
               abs(origin_close - realized) / realized AS naive_ape,
               realized BETWEEN lower_50 AND upper_50 AS covered_50,
               realized BETWEEN lower_80 AND upper_80 AS covered_80,
               realized BETWEEN lower_95 AND upper_95 AS covered_95
        FROM j;
`;
}
