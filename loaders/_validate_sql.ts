/**
 * The row rules of `validate.ts`, in SQL over `_stage` (see `_stage.ts`),
 * with the same reasons: one path for every source, and no JS array of rows
 * for big files.
 *
 * After {@link validateStage}: `_good` (a view) holds the rows that pass
 * every rule, `_bad` the rows breaking one with its reason, and `_win` one
 * winning row per candle (the later `ord` wins). When each series' times
 * are strictly monotonic in staging order, which is how files and exchanges
 * deliver them, no candle repeats and `_win` is `_good` itself: the common
 * case costs a few cheap scans of the stage (ranges, a streaming order
 * check, the rules), not a grouping by candle.
 *
 * @module
 */
import type { Warehouse } from "../warehouse/db.ts";
import { TIMEFRAMES } from "../core/candles.ts";

/** Helpers of the validation, created once per run (temporary). */
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
  // For each gap (see `_stage.ts`), how many gaps sit at or before it.
  `CREATE OR REPLACE TEMP VIEW _gap_counts AS
     SELECT gap_ord, sum(count(*)) OVER (ORDER BY gap_ord) AS n FROM _stage_gaps GROUP BY gap_ord`,
  `CREATE OR REPLACE TEMP MACRO _candle_json(ts, o, h, l, c, v) AS json_object(
     'ts', _js_json_num(ts), 'open', _js_json_num(o), 'high', _js_json_num(h),
     'low', _js_json_num(l), 'close', _js_json_num(c), 'volume', _js_json_num(v))::VARCHAR`,
];

const WEEK = TIMEFRAMES["1w"];

/**
 * `rel` with one more column, `name`: the ref of the row whose ord is in
 * column `ord`, its own (`_stage_refs`) or `path:line` of the file it was
 * staged from. Joins rather than a subquery per row, so that even millions
 * of rejects cost one pass.
 */
function withRef(rel: string, ord: string, name: string): string {
  return `SELECT t.*, coalesce(r.ref, s.path || ':' ||
            (s.line0 + t.${ord} - s.first_ord + coalesce(g.n, 0) - s.gaps_before)) AS ${name}
    FROM (${rel}) t
    LEFT JOIN _stage_refs r ON r.ord = t.${ord}
    LEFT JOIN _stage_sources s ON t.${ord} BETWEEN s.first_ord AND s.last_ord
    ASOF LEFT JOIN _gap_counts g ON t.${ord} >= g.gap_ord`;
}

/**
 * True for a row that passes every rule (NULL counts as failing). Written
 * with few operations: DuckDB orders NaN above every number, so `x < inf`
 * rules out NaN and +inf, and the lower bounds rule out -inf.
 */
const good = (now: number) =>
  `coalesce(open > 0 AND open < 'inf'::DOUBLE AND close > 0 AND close < 'inf'::DOUBLE
    AND high < 'inf'::DOUBLE AND high >= greatest(open, close)
    AND low > 0 AND low <= least(open, close)
    AND volume >= 0 AND volume < 'inf'::DOUBLE
    AND isfinite(ts_ms) AND (step >= ${WEEK} OR ts_ms % step = 0) AND ts_ms + step <= ${now}, false)`;

/** Why a row fails (evaluated on failing rows only), in the words of validate.ts. */
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
  WHEN step < ${WEEK} AND ts_ms % step <> 0
    THEN 'time ' || _js_iso(ts_ms) || ' is not aligned to the timeframe'
  WHEN ts_ms + step > $now THEN 'candle ' || _js_iso(ts_ms) || ' has not closed yet'
  ELSE 'fails validation'
  END`;

const KEY = "sid, ts_ms";

/** Counts from {@link validateStage}. */
export interface StageCounts {
  /** Rows in `_stage` plus rows in `_stage_rejects`. */
  read: number;
  /** Rows breaking a rule, plus earlier rows of a conflicting repeat, plus `_stage_rejects`. */
  rejected: number;
  /** Identical repeats within the batch. */
  duplicates: number;
  /** Rows in `_win`: one per candle. */
  winners: number;
}

/**
 * Applies every row rule to `_stage`: leaves the rows to reject in `_bad`
 * (see {@link recordRejects}), the winners in `_win` and, per series, the
 * time range staged in `_summary` (sid, lo, hi). Temporary tables only, so
 * it runs before the run's transaction, where DuckDB can spill them.
 *
 * @example
 * ```ts
 * const c = await validateStage(wh, Date.now());
 * ```
 */
export async function validateStage(wh: Warehouse, now: number): Promise<StageCounts> {
  if (!Number.isFinite(now)) throw new RangeError(`now must be a finite time, not ${now}`);
  for (const m of MACROS) await wh.run(m);
  // Each row's step, looked up by sid (1, 2, …) in a list of our own numbers;
  // `now` is a finite number of ours too, so both can be written into SQL.
  const series = await wh.rows<{ sid: number; step: number }>(
    "SELECT sid, step FROM _stage_series ORDER BY sid",
  );
  series.forEach((x, i) => {
    if (x.sid !== i + 1) throw new Error(`internal: staged series ids are not 1..${series.length}`);
  });
  const steps = series.length ? `[${series.map((x) => x.step).join(", ")}][sid]` : "NULL::BIGINT";
  const staged = `(SELECT *, rowid AS ord, ${steps} AS step FROM _stage)`;
  await wh.run(`CREATE OR REPLACE TEMP VIEW _good AS
    SELECT ord, sid, ts_ms, open, high, low, close, volume FROM ${staged} WHERE ${good(now)}`);
  // Per series: rows staged and the time range they cover (for the stored
  // candles to compare with).
  await wh.run(`CREATE OR REPLACE TEMP TABLE _summary AS
    SELECT sid, count(*) AS staged,
           min(ts_ms) FILTER (WHERE abs(ts_ms) < 8.64e15) AS lo,
           max(ts_ms) FILTER (WHERE abs(ts_ms) < 8.64e15) AS hi
    FROM _stage GROUP BY sid`);
  // One streaming pass: whether each series' times are strictly monotonic
  // (all up or all down) within one contiguous run, so no candle repeats; it
  // also checks that the rows came in ord order.
  const order = await wh.one<Record<string, number | null>>(
    `SELECT count(*) FILTER (WHERE ord <> pord + 1) AS disorder,
            count(*) FILTER (WHERE sid = psid AND NOT coalesce(ts_ms > pts, false)) AS not_up,
            count(*) FILTER (WHERE sid = psid AND NOT coalesce(ts_ms < pts, false)) AS not_down,
            count(*) FILTER (WHERE sid IS DISTINCT FROM psid) AS runs,
            (SELECT count(*) FROM _summary) AS series
     FROM (SELECT rowid AS ord, sid, ts_ms, lag(rowid) OVER () AS pord, lag(sid) OVER () AS psid,
                  lag(ts_ms) OVER () AS pts
           FROM _stage)`,
  );
  const o = (k: string) => Number(order?.[k] ?? 0);
  const unique = o("disorder") === 0 && o("runs") === o("series") &&
    (o("not_up") === 0 || o("not_down") === 0);
  const sum = await wh.one<Record<string, number | null>>(
    `SELECT (SELECT count(*) FROM _stage) AS staged, (SELECT count(*) FROM _good) AS good,
            (SELECT count(*) FROM _stage_rejects) AS unread`,
  );
  const n = (k: string) => Number(sum?.[k] ?? 0);
  const bad = n("staged") - n("good");
  await wh.run(`CREATE OR REPLACE TEMP TABLE _bad (ord BIGINT, ts_ms DOUBLE, open DOUBLE,
    high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE, reason VARCHAR)`);
  if (bad > 0) {
    await wh.run(
      `INSERT INTO _bad
       SELECT ord, ts_ms, open, high, low, close, volume, ${REASON}
       FROM ${staged} WHERE NOT ${good(now)}`,
      { now },
    );
  }
  let duplicates = 0, winners = n("good");
  if (unique) {
    await wh.run(`CREATE OR REPLACE TEMP VIEW _win AS
      SELECT sid, exchange, symbol, timeframe, ts_ms, open, high, low, close, volume
      FROM ${bad > 0 ? "_good" : "_stage"} JOIN _stage_series USING (sid)`);
  } else {
    ({ duplicates, winners } = await resolveRepeats(wh));
  }
  const rejected = Number((await wh.one<{ n: number }>("SELECT count(*) AS n FROM _bad"))?.n ?? 0);
  return {
    read: n("staged") + n("unread"),
    rejected: rejected + n("unread"),
    duplicates,
    winners,
  };
}

/**
 * Writes the run's rejects: the rows of `_bad` with their ref, reason and
 * values, and the rows readers could not read (`_stage_rejects`).
 *
 * @example
 * ```ts
 * await recordRejects(wh, runId);
 * ```
 */
export async function recordRejects(wh: Warehouse, runId: string): Promise<void> {
  await wh.run(
    `INSERT INTO rejects (run_id, source_ref, reason, raw)
     SELECT $run, ref, reason, _candle_json(ts_ms, open, high, low, close, volume)
     FROM (${withRef("SELECT * FROM _bad", "ord", "ref")})
     UNION ALL
     SELECT $run, ref, reason, raw FROM _stage_rejects`,
    { run: runId },
  );
}

/**
 * The slow path, for batches where a candle repeats: one winner per candle
 * (the row with the highest ord; its values are those of the last run of
 * identical rows, as validateCandles keeps), identical repeats counted, and
 * each earlier run of different values rejected, naming the row that
 * replaced it (added to `_bad`). Returns how many rows were identical repeats
 * and how many candles won.
 */
async function resolveRepeats(wh: Warehouse): Promise<{ duplicates: number; winners: number }> {
  await wh.run(`CREATE OR REPLACE TEMP TABLE _win_t AS
    SELECT w.*, exchange, symbol, timeframe
    FROM (SELECT ${KEY}, count(*) AS n, arg_max(open, ord) AS open, arg_max(high, ord) AS high,
                 arg_max(low, ord) AS low, arg_max(close, ord) AS close,
                 arg_max(volume, ord) AS volume
          FROM _good GROUP BY ${KEY}) w
    JOIN _stage_series USING (sid)`);
  await wh.run(`CREATE OR REPLACE TEMP VIEW _win AS
    SELECT sid, exchange, symbol, timeframe, ts_ms, open, high, low, close, volume FROM _win_t`);
  // Repeats only: a run starts where the values change; each run but the last
  // is rejected, naming the row that replaced it.
  await wh.run(`CREATE OR REPLACE TEMP TABLE _runs AS
    WITH m AS (
      SELECT g.* FROM _good g SEMI JOIN (SELECT ${KEY} FROM _win_t WHERE n > 1) k USING (${KEY})),
    l AS (
      SELECT *, coalesce(NOT (open = lag(open) OVER w AND high = lag(high) OVER w
               AND low = lag(low) OVER w AND close = lag(close) OVER w
               AND volume = lag(volume) OVER w), true) AS is_start
      FROM m WINDOW w AS (PARTITION BY ${KEY} ORDER BY ord))
    SELECT *, lead(ord) OVER w AS replaced_by
    FROM l WHERE is_start WINDOW w AS (PARTITION BY ${KEY} ORDER BY ord)`);
  await wh.run(
    `INSERT INTO _bad
     SELECT ord, ts_ms, open, high, low, close, volume,
            'conflicts with ' || by_ref || ' for the same candle; the later row wins'
     FROM (${
      withRef("SELECT * FROM _runs WHERE replaced_by IS NOT NULL", "replaced_by", "by_ref")
    })`,
  );
  const c = await wh.one<Record<string, number | null>>(
    `SELECT (SELECT sum(n) FROM _win_t WHERE n > 1) AS repeated, (SELECT count(*) FROM _runs) AS runs,
            (SELECT count(*) FROM _win_t) AS winners`,
  );
  const n = (k: string) => Number(c?.[k] ?? 0);
  return { duplicates: n("repeated") - n("runs"), winners: n("winners") };
}

/** Drops what {@link validateStage} made. */
export async function dropValidation(wh: Warehouse): Promise<void> {
  await wh.run("DROP VIEW IF EXISTS _win");
  await wh.run("DROP VIEW IF EXISTS _good");
  await wh.run("DROP VIEW IF EXISTS _gap_counts");
  for (const t of ["_win_t", "_bad", "_runs", "_summary"]) {
    await wh.run(`DROP TABLE IF EXISTS ${t}`);
  }
}
