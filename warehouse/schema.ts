/**
 * The warehouse schema as an ordered list of forward-only migrations.
 *
 * Each migration runs once, in its own transaction, and is recorded in
 * `schema_version`. Migrations add tables, columns and views, or rebuild a
 * table with every row carried over (v4); they never lose data, so an
 * existing file is always carried forward.
 * Tables and columns named in `../shared/docs/contract.md` are fixed.
 *
 * @module
 */
import type { Warehouse } from "./db.ts";
import { CHAMPIONS_VIEW, CURRENT_ALIASES_VIEW, ledgerView } from "./views.ts";

/** One forward step of the schema. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** Every migration, oldest first. Append; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "candles, ingest accounting, signals, models, forecasts, API",
    sql: `
      CREATE TABLE ohlcv (
        exchange VARCHAR NOT NULL,
        symbol VARCHAR NOT NULL,
        timeframe VARCHAR NOT NULL,
        ts TIMESTAMP NOT NULL,
        open DOUBLE NOT NULL,
        high DOUBLE NOT NULL,
        low DOUBLE NOT NULL,
        close DOUBLE NOT NULL,
        volume DOUBLE NOT NULL,
        run_id VARCHAR,
        ingested_at TIMESTAMP DEFAULT now()::TIMESTAMP,
        PRIMARY KEY (exchange, symbol, timeframe, ts)
      );
      CREATE TABLE ingest_runs (
        run_id VARCHAR PRIMARY KEY,
        source VARCHAR NOT NULL,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        status VARCHAR NOT NULL,
        rows_read BIGINT NOT NULL DEFAULT 0,
        rows_loaded BIGINT NOT NULL DEFAULT 0,
        rows_rejected BIGINT NOT NULL DEFAULT 0,
        rows_duplicate BIGINT NOT NULL DEFAULT 0,
        message VARCHAR,
        exchange VARCHAR,
        params JSON
      );
      CREATE TABLE rejects (
        run_id VARCHAR NOT NULL,
        source_ref VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        raw VARCHAR,
        rejected_at TIMESTAMP DEFAULT now()::TIMESTAMP
      );
      CREATE TABLE signals (
        source VARCHAR NOT NULL,
        symbol VARCHAR,
        ts TIMESTAMP NOT NULL,
        name VARCHAR NOT NULL,
        value DOUBLE,
        available_at TIMESTAMP,
        raw JSON,
        run_id VARCHAR
      );
      CREATE TABLE model_runs (
        run_id VARCHAR PRIMARY KEY,
        model VARCHAR NOT NULL,
        exchange VARCHAR NOT NULL,
        symbol VARCHAR NOT NULL,
        timeframe VARCHAR NOT NULL,
        seed INTEGER NOT NULL,
        params JSON NOT NULL,
        feature_set VARCHAR,
        feature_set_hash VARCHAR,
        horizons INTEGER[],
        data_start TIMESTAMP,
        data_end TIMESTAMP,
        data_fingerprint VARCHAR,
        code_version VARCHAR,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        duration_ms DOUBLE,
        status VARCHAR NOT NULL
      );
      CREATE TABLE run_metrics (
        run_id VARCHAR NOT NULL,
        fold INTEGER,
        horizon INTEGER,
        metric VARCHAR NOT NULL,
        value DOUBLE
      );
      CREATE TABLE backtest_predictions (
        run_id VARCHAR NOT NULL,
        exchange VARCHAR NOT NULL,
        symbol VARCHAR NOT NULL,
        timeframe VARCHAR NOT NULL,
        fold INTEGER NOT NULL,
        origin_ts TIMESTAMP NOT NULL,
        target_ts TIMESTAMP NOT NULL,
        horizon INTEGER NOT NULL,
        origin_close DOUBLE NOT NULL,
        y DOUBLE,
        yhat DOUBLE NOT NULL,
        lower DOUBLE,
        upper DOUBLE,
        level DOUBLE
      );
      CREATE TABLE model_versions (
        version_id VARCHAR PRIMARY KEY,
        run_id VARCHAR NOT NULL,
        model VARCHAR NOT NULL,
        exchange VARCHAR NOT NULL,
        symbol VARCHAR NOT NULL,
        timeframe VARCHAR NOT NULL,
        artifact_path VARCHAR NOT NULL,
        artifact_sha256 VARCHAR NOT NULL,
        card_path VARCHAR,
        created_at TIMESTAMP NOT NULL
      );
      CREATE TABLE model_aliases (
        alias VARCHAR NOT NULL,
        version_id VARCHAR NOT NULL,
        exchange VARCHAR NOT NULL,
        symbol VARCHAR NOT NULL,
        timeframe VARCHAR NOT NULL,
        set_at TIMESTAMP NOT NULL,
        unset_at TIMESTAMP,
        reason VARCHAR
      );
      CREATE TABLE forecasts (
        version_id VARCHAR NOT NULL,
        exchange VARCHAR NOT NULL,
        symbol VARCHAR NOT NULL,
        timeframe VARCHAR NOT NULL,
        issued_at TIMESTAMP NOT NULL,
        origin_ts TIMESTAMP NOT NULL,
        ts TIMESTAMP NOT NULL,
        horizon INTEGER NOT NULL,
        yhat DOUBLE NOT NULL,
        lower DOUBLE,
        upper DOUBLE,
        level DOUBLE
      );
      CREATE TABLE api_keys (
        key_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        secret_sha256 VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP,
        revoked_at TIMESTAMP
      );
      CREATE TABLE api_requests (
        ts TIMESTAMP NOT NULL,
        method VARCHAR NOT NULL,
        path VARCHAR NOT NULL,
        status INTEGER NOT NULL,
        ms DOUBLE NOT NULL,
        key_id VARCHAR
      );
      CREATE VIEW current_aliases AS ${CURRENT_ALIASES_VIEW};
    `,
  },
  {
    version: 2,
    description: "markets, coverage and gaps views over ohlcv",
    sql: `
      CREATE VIEW markets AS
        SELECT exchange, symbol, timeframe,
               split_part(symbol, '/', 1) AS base, split_part(symbol, '/', 2) AS quote,
               count(*) AS candles, min(ts) AS first_ts, max(ts) AS last_ts,
               arg_max(close, ts) AS last_close
        FROM ohlcv GROUP BY ALL;
      CREATE VIEW gaps AS
        WITH s AS (
          SELECT exchange, symbol, timeframe, ts,
                 lag(ts) OVER (PARTITION BY exchange, symbol, timeframe ORDER BY ts) AS prev,
                 CASE timeframe WHEN '1m' THEN INTERVAL 1 MINUTE WHEN '5m' THEN INTERVAL 5 MINUTE
                   WHEN '15m' THEN INTERVAL 15 MINUTE WHEN '1h' THEN INTERVAL 1 HOUR
                   WHEN '4h' THEN INTERVAL 4 HOUR WHEN '1d' THEN INTERVAL 1 DAY
                   WHEN '1w' THEN INTERVAL 7 DAY END AS step
          FROM ohlcv
        )
        SELECT exchange, symbol, timeframe, prev + step AS gap_start, ts - step AS gap_end,
               CAST(epoch(ts - prev) / epoch(step) AS BIGINT) - 1 AS missing
        FROM s WHERE prev IS NOT NULL AND ts - prev > step;
      CREATE VIEW coverage AS
        SELECT m.exchange, m.symbol, m.timeframe, m.first_ts, m.last_ts, m.candles AS present,
               m.candles + coalesce(g.missing, 0) AS expected,
               coalesce(g.missing, 0) AS missing, coalesce(g.gaps, 0) AS gaps,
               m.candles / (m.candles + coalesce(g.missing, 0)) AS ratio
        FROM markets m
        LEFT JOIN (SELECT exchange, symbol, timeframe, sum(missing) AS missing, count(*) AS gaps
                   FROM gaps GROUP BY ALL) g USING (exchange, symbol, timeframe);
    `,
  },
  {
    version: 3,
    description: "outliers view: jumps of many sigmas that revert, flagged not dropped",
    sql: `
      CREATE VIEW outliers AS
        WITH r AS (
          SELECT exchange, symbol, timeframe, ts, close,
                 ln(close / lag(close) OVER w) AS ret,
                 ln(lead(close) OVER w / close) AS next_ret
          FROM ohlcv
          WINDOW w AS (PARTITION BY exchange, symbol, timeframe ORDER BY ts)
        ),
        s AS (
          SELECT *, stddev_samp(ret) OVER (PARTITION BY exchange, symbol, timeframe ORDER BY ts
                                          ROWS BETWEEN 48 PRECEDING AND 1 PRECEDING) AS sigma
          FROM r
        )
        SELECT exchange, symbol, timeframe, ts, close, ret, next_ret, sigma, abs(ret) / sigma AS z
        FROM s
        WHERE sigma > 0 AND abs(ret) > 8 * sigma
          AND sign(next_ret) = -sign(ret) AND abs(next_ret) > 0.5 * abs(ret);
    `,
  },
  {
    version: 4,
    description: "ohlcv without its primary-key index (bulk loads); ingest keeps candles unique",
    // An ART index on (exchange, symbol, timeframe, ts) made bulk inserts several
    // times slower and their memory grow with the batch. Uniqueness is kept by
    // the only writers (loaders/store.ts, loaders/resample.ts), which insert a
    // candle only when it is not stored yet. The views over ohlcv bind by name
    // and keep working on the rebuilt table.
    sql: `
      CREATE TABLE ohlcv_v4 (
        exchange VARCHAR NOT NULL,
        symbol VARCHAR NOT NULL,
        timeframe VARCHAR NOT NULL,
        ts TIMESTAMP NOT NULL,
        open DOUBLE NOT NULL,
        high DOUBLE NOT NULL,
        low DOUBLE NOT NULL,
        close DOUBLE NOT NULL,
        volume DOUBLE NOT NULL,
        run_id VARCHAR,
        ingested_at TIMESTAMP DEFAULT now()::TIMESTAMP
      );
      INSERT INTO ohlcv_v4
        SELECT exchange, symbol, timeframe, ts, open, high, low, close, volume, run_id, ingested_at
        FROM ohlcv ORDER BY exchange, symbol, timeframe, ts;
      DROP TABLE ohlcv;
      ALTER TABLE ohlcv_v4 RENAME TO ohlcv;
    `,
  },
  {
    version: 5,
    description: "forecast_ledger view: every past forecast beside the close that happened",
    // One row per issued forecast point (version, issue, origin, horizon), its
    // intervals side by side. `realized` is the close of the target candle
    // (`ohlcv.ts = forecasts.ts`, as the history API reads it), counted only
    // once that candle has closed. Errors are forecast minus realized, in log
    // return (`ln(yhat / realized)`) and price; the naive ("no change")
    // forecast is the origin candle's close. status: scored | pending (the
    // target candle has not closed, or is not stored yet) | missing (closed,
    // later candles are stored, the target is not: a gap). `reissue` marks an
    // identical repeat (same version, origin and target, issued again).
    sql: ledgerView("CREATE VIEW", { late: false }),
  },
  {
    version: 6,
    description: "forecast_ledger: a forecast issued after its target candle closed is late",
    // Migration 5's view, with one more status before the others: `late` when
    // the target candle had already closed at `issued_at` (a forecast from a
    // stale origin: the series' stored candles stopped before the clock's).
    // Its realized close and errors are still shown, but it is never scored:
    // its outcome was known when it was issued. Every other column is unchanged.
    sql: ledgerView("CREATE OR REPLACE VIEW", { late: true }),
  },
  {
    version: 7,
    description: "champions view: each series' current champion with its version and run",
    // The one champion query: the API, the site, forecasting and the
    // retraining schedule all read it (see views.ts).
    sql: `CREATE VIEW champions AS ${CHAMPIONS_VIEW};`,
  },
];

/** The newest schema version this code knows. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Brings the warehouse forward to {@link SCHEMA_VERSION}. Refuses a file
 * written by a newer version of Prévision rather than guessing.
 */
export async function migrate(
  wh: Warehouse,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number> {
  await wh.run(`CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    description VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT now()::TIMESTAMP
  )`);
  const row = await wh.one<{ v: number | null }>(
    "SELECT max(version) AS v FROM schema_version",
  );
  const current = row?.v ?? 0;
  const newest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > newest) {
    throw new Error(
      `Warehouse ${wh.path} has schema version ${current}, newer than this code's ${newest}: upgrade Prévision.`,
    );
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    await wh.transaction(async () => {
      await wh.run(m.sql);
      await wh.run(
        "INSERT INTO schema_version (version, description) VALUES (?, ?)",
        [m.version, m.description],
      );
    });
  }
  return newest;
}
