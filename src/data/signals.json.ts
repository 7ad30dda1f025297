/**
 * Data loader → `signals.json`: every stored signal (source, symbol, name)
 * with its values; daily closes of the series they can be read against; and
 * the pipeline's judgement of each signal as a forecaster — the latest
 * `model_runs` row per signal and series whose `model` starts with
 * `signal:` (its `params` say the source, name and kind), with its pooled
 * `run_metrics` (fold NULL) and the per-fold figures that show stability.
 * Empty arrays when no signal is stored or judged yet.
 *
 * @module
 */
import { runLoader, sig } from "./_snapshot.ts";

/** Values per signal, and daily closes per series, kept for the charts (the newest). */
const MAX_POINTS = 1500;
/** Per-fold metrics shipped (the pooled run keeps them all). */
const FOLD_METRICS = [
  "n",
  "hit_rate",
  "hit_rate_lo",
  "hit_rate_hi",
  "ic",
  "ic_lo",
  "ic_hi",
  "mean_ret:all",
];

await runLoader("signals.json", async (db) => {
  const catalog = await db.rows(
    `SELECT source, symbol, name, count(*) AS n, min(ts) AS first_ts, max(ts) AS last_ts,
            min(value) AS min, max(value) AS max, max(available_at) AS last_available
     FROM signals GROUP BY ALL ORDER BY source, symbol NULLS FIRST, name`,
  );
  const values = await db.rows(
    `SELECT source, symbol, name, epoch_ms(ts) AS t, value FROM (
       SELECT *, row_number() OVER (PARTITION BY source, symbol, name ORDER BY ts DESC) AS k
       FROM signals WHERE value IS NOT NULL
     ) WHERE k <= ? ORDER BY source, symbol NULLS FIRST, name, ts`,
    [MAX_POINTS],
  );
  const judged = await db.rows(
    `SELECT run_id, model, exchange, symbol, timeframe, params::VARCHAR AS params, started_at,
            data_start, data_end
     FROM model_runs WHERE model LIKE 'signal:%'
     QUALIFY row_number() OVER (PARTITION BY model, exchange, symbol, timeframe
                                ORDER BY started_at DESC, run_id DESC) = 1
     ORDER BY model, exchange, symbol, timeframe`,
  );
  const metrics = judged.length
    ? await db.rows(
      `SELECT run_id, fold, metric, value FROM run_metrics
       WHERE run_id IN (SELECT run_id FROM model_runs WHERE model LIKE 'signal:%')
         AND (fold IS NULL OR metric IN (${FOLD_METRICS.map(() => "?").join(", ")}))
       ORDER BY run_id, fold NULLS FIRST, metric`,
      FOLD_METRICS,
    )
    : [];
  // Daily closes of every series a signal can be read against (the coarsest of 1d / 1h).
  const prices = catalog.length
    ? await db.rows(
      `WITH pick AS (
         SELECT exchange, symbol, min(timeframe) FILTER (WHERE timeframe IN ('1d', '1h')) AS tf
         FROM ohlcv GROUP BY ALL
       ), daily AS (
         SELECT o.exchange, o.symbol, date_trunc('day', o.ts) AS day, arg_max(o.close, o.ts) AS close
         FROM ohlcv o JOIN pick p ON o.exchange = p.exchange AND o.symbol = p.symbol AND o.timeframe = p.tf
         GROUP BY ALL
       )
       SELECT exchange, symbol, epoch_ms(day) AS t, close FROM (
         SELECT *, row_number() OVER (PARTITION BY exchange, symbol ORDER BY day DESC) AS k FROM daily
       ) WHERE k <= ? ORDER BY exchange, symbol, day`,
      [MAX_POINTS],
    )
    : [];

  const sameSignal = (a: Record<string, unknown>) => (b: Record<string, unknown>) =>
    a.source === b.source && a.symbol === b.symbol && a.name === b.name;
  const seriesKeys = [...new Set(prices.map((p) => `${p.exchange}|${p.symbol}`))];
  return {
    signals: catalog.map((c) => {
      const v = values.filter(sameSignal(c));
      return {
        source: c.source,
        symbol: c.symbol,
        name: c.name,
        n: c.n,
        first_ts: c.first_ts,
        last_ts: c.last_ts,
        last_available: c.last_available,
        min: sig(c.min),
        max: sig(c.max),
        t: v.map((r) => r.t),
        value: v.map((r) => sig(r.value)),
      };
    }),
    prices: seriesKeys.map((k) => {
      const [exchange, symbol] = k.split("|");
      const rows = prices.filter((p) => p.exchange === exchange && p.symbol === symbol);
      return { exchange, symbol, t: rows.map((r) => r.t), close: rows.map((r) => sig(r.close)) };
    }),
    judged: judged.map((j) => {
      const params = parseParams(j.params);
      const [, source, ...rest] = String(j.model).split(":");
      const mine = metrics.filter((m) => m.run_id === j.run_id);
      const folds = [...new Set(mine.map((m) => m.fold).filter((f) => f !== null))] as number[];
      const pick = (fold: number | null) =>
        Object.fromEntries(
          mine.filter((m) => m.fold === fold).map((m) => [m.metric, sig(m.value)]),
        );
      return {
        model: j.model,
        source: params.source ?? source ?? null,
        name: params.name ?? (rest.length ? rest.join(":") : null),
        kind: params.kind ?? null,
        exchange: j.exchange,
        symbol: j.symbol,
        timeframe: j.timeframe,
        run_id: j.run_id,
        started_at: j.started_at,
        data_start: j.data_start,
        data_end: j.data_end,
        metrics: pick(null),
        folds: folds.sort((a, b) => a - b).map((fold) => ({ fold, metrics: pick(fold) })),
      };
    }),
  };
});

function parseParams(text: unknown): { source?: string; name?: string; kind?: string } {
  try {
    const p = JSON.parse(String(text ?? "{}"));
    return typeof p === "object" && p ? p : {};
  } catch {
    return {};
  }
}
