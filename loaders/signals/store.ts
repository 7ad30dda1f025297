/**
 * Writes signal values to the `signals` table as one accounted ingest run.
 *
 * A signal value is one row keyed on (source, symbol, ts, name); `symbol` is
 * NULL for a market-wide signal. A run is one transaction that upserts on that
 * key: a new key is inserted; the same value again is a duplicate (if it was
 * seen earlier this time, its `available_at` moves earlier: it was known by
 * then); a different value replaces the stored one, whose old value goes to
 * `rejects` as "superseded". Within one run a repeated key keeps the later
 * row. Rows a reader could not read, and rows that fail the checks here, go
 * to `rejects` with their `file:line` or request and why. `ingest_runs`
 * records the run as `signals:<source>` with
 * rows_read = rows_loaded + rows_rejected + rows_duplicate, where a row is one
 * signal value (one name on one date), or one unreadable line.
 *
 * @module
 */
import type { Warehouse } from "../../warehouse/db.ts";
import type { Rejected } from "../validate.ts";
import type { IngestResult } from "../store.ts";
import { DAY_MS } from "./available.ts";

/** One signal value as read from a source. */
export interface SignalRow {
  /** Where it comes from: `fear-greed`, `token-metrics`, a file's `--source`. */
  source: string;
  /** `BASE/QUOTE` (or a bare base asset) for a per-asset signal; null when market-wide. */
  symbol: string | null;
  /** The nominal time in ms; 00:00 UTC of its day for a daily signal. */
  ts: number;
  /** Lower-case name: `value`, `trading_signal`, `tm_trader_grade`, … */
  name: string;
  value: number;
  /** When it became known (ms); see `available.ts`. */
  available_at: number;
  /** What the source said, as JSON text. */
  raw: string;
  /** Where it came from: `file:line` or the request. */
  ref: string;
}

/** The accounting of one signal run (`rows_replaced` are counted in `rows_loaded`). */
export type SignalIngestResult = IngestResult & { rows_replaced: number };

/** Options for {@link ingestSignals}. */
export interface SignalIngestOptions {
  /** The clock: values dated more than a day after it are refused. */
  now: number;
  /** Recorded with the run in `ingest_runs.params`. */
  params?: unknown;
  /** Rows the reader could not read as signal values; they count as read and rejected. */
  rejects?: readonly Rejected[];
}

/** A source or signal name as stored: lower case, letters, digits and `._:-`. */
export const NAME_RE = /^[a-z0-9][a-z0-9_.:-]*$/;

/**
 * Upserts signal values as one run, atomically; a failure leaves the
 * warehouse as it was and records a `failed` run.
 *
 * @param source the run's source, recorded in `ingest_runs.source` as `signals:<source>`.
 *
 * @example
 * ```ts
 * const r = await ingestSignals(wh, "fear-greed", rows, { now: Date.now() });
 * console.log(r.message); // "2660 loaded, 0 rejected, 0 duplicate"
 * ```
 */
export async function ingestSignals(
  wh: Warehouse,
  source: string,
  rows: readonly SignalRow[],
  options: SignalIngestOptions,
): Promise<SignalIngestResult> {
  const run_id = `sig-${crypto.randomUUID()}`;
  const started = new Date().toISOString();
  const pre = options.rejects ?? [];
  const { keep, rejected, duplicates } = checkBatch(rows, options.now);
  const allRejects = [...pre, ...rejected];
  try {
    return await wh.transaction(async () => {
      const c = await upsert(wh, run_id, keep, allRejects);
      const result: SignalIngestResult = {
        run_id,
        status: "ok",
        rows_read: rows.length + pre.length,
        rows_loaded: c.inserted + c.replaced,
        rows_rejected: allRejects.length,
        rows_duplicate: duplicates + c.same,
        rows_replaced: c.replaced,
        message: "",
      };
      result.message = `${result.rows_loaded} loaded, ${result.rows_rejected} rejected, ` +
        `${result.rows_duplicate} duplicate` + (c.replaced ? `, ${c.replaced} replaced` : "");
      await recordRun(wh, result, source, started, options.params);
      return result;
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const failed: SignalIngestResult = {
      run_id,
      status: "failed",
      rows_read: 0,
      rows_loaded: 0,
      rows_rejected: 0,
      rows_duplicate: 0,
      rows_replaced: 0,
      message: `failed after reading ${rows.length + pre.length} rows, nothing loaded: ${message}`,
    };
    await recordRun(wh, failed, source, started, options.params).catch(() => {});
    throw err;
  }
}

/** Row checks and in-batch repeats: pure. */
export function checkBatch(
  rows: readonly SignalRow[],
  now: number,
): { keep: SignalRow[]; rejected: Rejected[]; duplicates: number } {
  const rejected: Rejected[] = [];
  const byKey = new Map<string, SignalRow>();
  let duplicates = 0;
  for (const r of rows) {
    const problem = rowProblem(r, now);
    if (problem) {
      rejected.push({ ref: r.ref, reason: problem, raw: r.raw });
      continue;
    }
    const key = `${r.source}\u0000${r.symbol ?? ""}\u0000${r.ts}\u0000${r.name}`;
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, r);
    } else if (prev.value === r.value) {
      duplicates++;
      if (r.available_at < prev.available_at) {
        byKey.set(key, { ...prev, available_at: r.available_at });
      }
    } else {
      // The later row wins, as for candles; the earlier one is kept as a reject.
      rejected.push({
        ref: prev.ref,
        reason: `${prev.name} for ${
          isoDay(prev.ts)
        } conflicts with ${r.value} at ${r.ref} (the later row wins)`,
        raw: prev.raw,
      });
      byKey.set(key, r);
    }
  }
  return { keep: [...byKey.values()], rejected, duplicates };
}

function rowProblem(r: SignalRow, now: number): string | undefined {
  if (!NAME_RE.test(r.source)) return `source "${r.source}" is not a valid name`;
  if (!NAME_RE.test(r.name)) return `signal name "${r.name}" is not a valid name`;
  if (!Number.isFinite(r.ts)) return "no readable date";
  if (!Number.isFinite(r.value)) return `${r.name} is not a number`;
  if (!Number.isFinite(r.available_at)) return "no readable availability time";
  if (r.ts > now + DAY_MS) return `dated ${isoDay(r.ts)}, in the future`;
  return undefined;
}

function isoDay(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith("T00:00:00.000Z") ? s.slice(0, 10) : s;
}

async function upsert(
  wh: Warehouse,
  run_id: string,
  rows: readonly SignalRow[],
  rejects: readonly Rejected[],
): Promise<{ inserted: number; same: number; replaced: number }> {
  await wh.run(`CREATE OR REPLACE TEMP TABLE _sig_stage (
    source VARCHAR, symbol VARCHAR, ts TIMESTAMP, name VARCHAR, value DOUBLE,
    available_at TIMESTAMP, raw VARCHAR, ref VARCHAR)`);
  await wh.run(
    `CREATE OR REPLACE TEMP TABLE _sig_rejects (ref VARCHAR, reason VARCHAR, raw VARCHAR)`,
  );
  await wh.append(
    "_sig_stage",
    ["varchar", "varchar", "timestamp", "varchar", "double", "timestamp", "varchar", "varchar"],
    rows.map((r) => [r.source, r.symbol, r.ts, r.name, r.value, r.available_at, r.raw, r.ref]),
    { temp: true },
  );
  await wh.append(
    "_sig_rejects",
    ["varchar", "varchar", "varchar"],
    rejects.map((r) => [r.ref, r.reason, r.raw]),
    { temp: true },
  );
  await wh.run(`CREATE OR REPLACE TEMP TABLE _sig_cmp AS
    SELECT g.*, s.value AS old_value, s.available_at AS old_at, s.run_id AS old_run,
           s.source IS NOT NULL AS existed
    FROM _sig_stage g LEFT JOIN signals s
      ON s.source = g.source AND s.symbol IS NOT DISTINCT FROM g.symbol AND s.ts = g.ts
     AND s.name = g.name`);
  const c = (await wh.one<{ inserted: number; same: number; replaced: number }>(
    `SELECT count(*) FILTER (WHERE NOT existed)::INTEGER AS inserted,
            count(*) FILTER (WHERE existed AND old_value = value)::INTEGER AS same,
            count(*) FILTER (WHERE existed AND old_value IS DISTINCT FROM value)::INTEGER AS replaced
     FROM _sig_cmp`,
  ))!;
  // The same value seen earlier than recorded: it was known by then.
  await wh.run(
    `UPDATE signals SET available_at = c.available_at
     FROM _sig_cmp c
     WHERE c.existed AND c.old_value = c.value AND c.available_at < c.old_at
       AND signals.source = c.source AND signals.symbol IS NOT DISTINCT FROM c.symbol
       AND signals.ts = c.ts AND signals.name = c.name`,
  );
  await wh.run(
    `INSERT INTO rejects (run_id, source_ref, reason, raw)
     SELECT $run, source || ' ' || coalesce(symbol, '(market)') || ' ' || name || ' '
                  || strftime(ts, '%Y-%m-%dT%H:%M:%SZ'),
            'superseded by ' || ref || ' (run ' || $run || '); old value ' || old_value
              || ' from run ' || coalesce(old_run, '?'),
            json_object('old', old_value, 'new', value)::VARCHAR
     FROM _sig_cmp WHERE existed AND old_value IS DISTINCT FROM value`,
    { run: run_id },
  );
  await wh.run(
    `UPDATE signals SET value = c.value, available_at = c.available_at, raw = c.raw::JSON,
       run_id = $run
     FROM _sig_cmp c
     WHERE c.existed AND c.old_value IS DISTINCT FROM c.value
       AND signals.source = c.source AND signals.symbol IS NOT DISTINCT FROM c.symbol
       AND signals.ts = c.ts AND signals.name = c.name`,
    { run: run_id },
  );
  await wh.run(
    `INSERT INTO signals (source, symbol, ts, name, value, available_at, raw, run_id)
     SELECT source, symbol, ts, name, value, available_at, raw::JSON, $run
     FROM _sig_cmp WHERE NOT existed`,
    { run: run_id },
  );
  await wh.run(
    `INSERT INTO rejects (run_id, source_ref, reason, raw)
     SELECT $run, ref, reason, raw FROM _sig_rejects`,
    { run: run_id },
  );
  for (const t of ["_sig_stage", "_sig_rejects", "_sig_cmp"]) {
    await wh.run(`DROP TABLE IF EXISTS ${t}`);
  }
  return c;
}

async function recordRun(
  wh: Warehouse,
  r: SignalIngestResult,
  source: string,
  started: string,
  params: unknown,
): Promise<void> {
  await wh.run(
    `INSERT INTO ingest_runs (run_id, source, started_at, finished_at, status, rows_read,
       rows_loaded, rows_rejected, rows_duplicate, message, exchange, params)
     VALUES (?, ?, ?::TIMESTAMP, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, NULL, ?::JSON)`,
    [
      r.run_id,
      `signals:${source}`,
      started.replace("Z", ""),
      r.status,
      r.rows_read,
      r.rows_loaded,
      r.rows_rejected,
      r.rows_duplicate,
      r.message,
      JSON.stringify(params ?? {}),
    ],
  );
}
