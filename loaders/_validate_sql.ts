/**
 * The row rules of `validate.ts`, in SQL over `_stage`, with the same
 * reasons: one path for every source, and no JS array of rows for big files.
 *
 * After {@link validateStage}: `_bad` holds rows breaking a rule, `_runs` the
 * runs of repeated candles within the batch, `_win` one winning row per
 * candle (the later `ord` wins).
 *
 * @module
 */
import type { Warehouse } from "../warehouse/db.ts";
import { TIMEFRAMES } from "./candles.ts";

// Built from our own constants, never from input.
const STEP_CASE = Object.entries(TIMEFRAMES).map(([tf, ms]) => `WHEN '${tf}' THEN ${ms}`).join(" ");

const MACROS = [
  // A number as JS prints it (`50`, not `50.0`; `1.5e-7`, not `1.5e-07`).
  `CREATE OR REPLACE TEMP MACRO _js_num(x) AS CASE
     WHEN x IS NULL OR isnan(x) THEN 'NaN'
     WHEN isinf(x) THEN CASE WHEN x > 0 THEN 'Infinity' ELSE '-Infinity' END
     WHEN x = trunc(x) AND abs(x) < 1e21 THEN x::HUGEINT::VARCHAR
     ELSE regexp_replace(x::VARCHAR, 'e([+-])0*([0-9])', 'e\\1\\2') END`,
  // A time as `Date.prototype.toISOString()` prints it.
  `CREATE OR REPLACE TEMP MACRO _js_iso(ms) AS CASE
     WHEN abs(ms) <= 8.64e15 THEN strftime(epoch_ms(ms::BIGINT), '%Y-%m-%dT%H:%M:%S.%gZ')
     ELSE 'Invalid Date' END`,
  `CREATE OR REPLACE TEMP MACRO _js_json_num(x) AS CASE
     WHEN x = trunc(x) AND abs(x) < 9e15 THEN to_json(x::BIGINT)
     WHEN isfinite(x) THEN to_json(x) END`,
  `CREATE OR REPLACE TEMP MACRO _bad_num(x) AS coalesce(NOT isfinite(x), true)`,
  // A row's ref: its own, or `path:line` for rows a file reader staged without one.
  `CREATE OR REPLACE TEMP MACRO _ref_of(r, o) AS coalesce(r, (SELECT path || ':' || (o - first_ord + line0)
     FROM _stage_sources WHERE o BETWEEN first_ord AND last_ord))`,
  `CREATE OR REPLACE TEMP MACRO _tf_step(tf) AS CASE tf ${STEP_CASE} END`,
  `CREATE OR REPLACE TEMP MACRO _candle_json(ts, o, h, l, c, v) AS json_object(
     'ts', _js_json_num(ts), 'open', _js_json_num(o), 'high', _js_json_num(h),
     'low', _js_json_num(l), 'close', _js_json_num(c), 'volume', _js_json_num(v))::VARCHAR`,
];

const REASON = `CASE
  WHEN _bad_num(ts_ms) THEN 'ts is not a number'
  WHEN _bad_num(open) THEN 'open is not a number'
  WHEN _bad_num(high) THEN 'high is not a number'
  WHEN _bad_num(low) THEN 'low is not a number'
  WHEN _bad_num(close) THEN 'close is not a number'
  WHEN _bad_num(volume) THEN 'volume is not a number'
  WHEN open <= 0 THEN 'open ' || _js_num(open) || ' is not positive'
  WHEN high <= 0 THEN 'high ' || _js_num(high) || ' is not positive'
  WHEN low <= 0 THEN 'low ' || _js_num(low) || ' is not positive'
  WHEN close <= 0 THEN 'close ' || _js_num(close) || ' is not positive'
  WHEN volume < 0 THEN 'volume ' || _js_num(volume) || ' is negative'
  WHEN high < greatest(open, close) THEN 'high ' || _js_num(high) || ' is below max(open '
    || _js_num(open) || ', close ' || _js_num(close) || ')'
  WHEN low > least(open, close) THEN 'low ' || _js_num(low) || ' is above min(open '
    || _js_num(open) || ', close ' || _js_num(close) || ')'
  WHEN _tf_step(timeframe) < ${TIMEFRAMES["1w"]} AND ts_ms % _tf_step(timeframe) <> 0
    THEN 'time ' || _js_iso(ts_ms) || ' is not aligned to the timeframe'
  WHEN ts_ms + _tf_step(timeframe) > $now
    THEN 'candle ' || _js_iso(ts_ms) || ' has not closed yet'
  END`;

const KEY = "exchange, symbol, timeframe, ts_ms";

/** Counts from {@link validateStage}. */
export interface StageCounts {
  /** Rows in `_stage` plus rows in `_stage_rejects`. */
  read: number;
  /** Rows breaking a rule, plus earlier rows of a conflicting repeat, plus `_stage_rejects`. */
  rejected: number;
  /** Identical repeats within the batch. */
  duplicates: number;
}

/**
 * Applies every row rule to `_stage` and writes the rejects of the run
 * (`INSERT … SELECT`); leaves the winners in `_win`.
 */
export async function validateStage(
  wh: Warehouse,
  runId: string,
  now: number,
): Promise<StageCounts> {
  for (const m of MACROS) await wh.run(m);
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE _bad AS
     SELECT ord, _ref_of(ref, ord) AS ref, reason, _candle_json(ts_ms, open, high, low, close, volume) AS raw
     FROM (SELECT *, ${REASON} AS reason FROM _stage) WHERE reason IS NOT NULL`,
    { now },
  );
  // One winner per candle: the row with the highest ord (its values are those
  // of the last run of identical rows, as validateCandles keeps).
  await wh.run(`CREATE OR REPLACE TEMP TABLE _win AS
    SELECT ${KEY}, count(*) AS n,
           arg_max({'open': open, 'high': high, 'low': low, 'close': close, 'volume': volume}, ord) AS v
    FROM _stage s WHERE NOT EXISTS (SELECT 1 FROM _bad b WHERE b.ord = s.ord)
    GROUP BY ALL`);
  // Repeats only: a run starts where the values change; each run but the last
  // is rejected, naming the row that replaced it.
  await wh.run(`CREATE OR REPLACE TEMP TABLE _runs AS
    WITH m AS (
      SELECT s.* FROM _stage s
      SEMI JOIN (SELECT ${KEY} FROM _win WHERE n > 1) k USING (${KEY})
      WHERE NOT EXISTS (SELECT 1 FROM _bad b WHERE b.ord = s.ord)),
    l AS (
      SELECT *, coalesce(NOT (open = lag(open) OVER w AND high = lag(high) OVER w
               AND low = lag(low) OVER w AND close = lag(close) OVER w
               AND volume = lag(volume) OVER w), true) AS is_start
      FROM m WINDOW w AS (PARTITION BY ${KEY} ORDER BY ord))
    SELECT *, lead(ord) OVER w AS replaced_by, lead(ref) OVER w AS replaced_ref
    FROM l WHERE is_start WINDOW w AS (PARTITION BY ${KEY} ORDER BY ord)`);
  await wh.run(
    `INSERT INTO rejects (run_id, source_ref, reason, raw)
     SELECT $run, ref, reason, raw FROM _bad
     UNION ALL
     SELECT $run, _ref_of(ref, ord), 'conflicts with ' || _ref_of(replaced_ref, replaced_by) || ' for the same candle; the later row wins',
            _candle_json(ts_ms, open, high, low, close, volume)
     FROM _runs WHERE replaced_by IS NOT NULL
     UNION ALL
     SELECT $run, ref, reason, raw FROM _stage_rejects`,
    { run: runId },
  );
  const c = await wh.one<Record<string, number | null>>(
    `SELECT (SELECT count(*) FROM _stage) AS staged,
            (SELECT count(*) FROM _stage_rejects) AS unread,
            (SELECT count(*) FROM _bad) AS bad,
            (SELECT count(*) FROM _runs WHERE replaced_by IS NOT NULL) AS replaced,
            (SELECT sum(n) FROM _win WHERE n > 1) AS repeated,
            (SELECT count(*) FROM _runs) AS runs`,
  );
  const n = (k: string) => Number(c?.[k] ?? 0);
  return {
    read: n("staged") + n("unread"),
    rejected: n("bad") + n("replaced") + n("unread"),
    duplicates: n("repeated") - n("runs"),
  };
}

/** Drops what {@link validateStage} made. */
export async function dropValidation(wh: Warehouse): Promise<void> {
  for (const t of ["_bad", "_win", "_runs"]) await wh.run(`DROP TABLE IF EXISTS ${t}`);
}
