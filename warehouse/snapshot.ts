/**
 * Immutable Parquet snapshots of the warehouse, for readers that must never
 * touch the writer: the API, the site's data loaders, DuckDB anywhere, object
 * storage.
 *
 * Layout, under the snapshot root (default `<dir of PREVISION_DB>/snapshots`):
 * ```
 * CURRENT                      the id of the latest complete snapshot (renamed in atomically)
 * <id>/manifest.json           what is in it, with row counts
 * <id>/ohlcv/exchange=…/symbol=BTC-USDT/timeframe=1h/*.parquet   (hive-partitioned)
 * <id>/<table>.parquet         every other table, and `markets`
 * ```
 * A snapshot directory is written once and never changed; publishing a new
 * one is writing a new directory and then replacing `CURRENT`.
 *
 * @module
 */
import { DuckDBDoubleVector, DuckDBInstance } from "@duckdb/node-api";
import { dirname, join, resolve } from "node:path";
import { literalPath, type Params, Warehouse } from "./db.ts";
import { READER_VIEWS } from "./views.ts";

/** Tables published as single Parquet files. */
export const SNAPSHOT_TABLES = [
  "ingest_runs",
  "rejects",
  "signals",
  "model_runs",
  "run_metrics",
  "backtest_predictions",
  "model_versions",
  "model_aliases",
  "forecasts",
  "api_requests",
] as const;

/** What a snapshot holds. */
export interface SnapshotManifest {
  id: string;
  created_at: string;
  schema_version: number;
  tables: Record<string, number>;
  /** The warehouse's content mark when published (`contentMark` in publish.ts; absent in older snapshots). */
  mark?: string;
}

/** The snapshot root for a warehouse file: `PREVISION_SNAPSHOTS` or `<dir>/snapshots`. */
export function snapshotRoot(dbPath: string): string {
  return Deno.env.get("PREVISION_SNAPSHOTS") ??
    join(dirname(resolve(dbPath)), "snapshots");
}

/** Views over `ohlcv` (see schema.ts) published beside the tables. */
export const DERIVED_VIEWS = ["markets", "coverage", "gaps", "outliers"] as const;

/** The id of the current snapshot under `root`, or undefined when none. */
export async function currentSnapshotId(
  root: string,
): Promise<string | undefined> {
  try {
    return (await Deno.readTextFile(join(root, "CURRENT"))).trim() ||
      undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens the current snapshot (or snapshot `id`) as an in-memory DuckDB whose
 * views carry the warehouse's table names (`ohlcv`, `forecasts`, `markets`,
 * …). Readers never open the warehouse file itself. With `validate`, a
 * snapshot that does not match its manifest is refused with a
 * {@link SnapshotInvalid} ({@link validateSnapshot}).
 *
 * @example
 * ```ts
 * const snap = await openSnapshot(snapshotRoot("data/warehouse.duckdb"));
 * const markets = await snap.db.rows("SELECT * FROM markets");
 * ```
 */
export async function openSnapshot(
  root: string,
  id?: string,
  options: { validate?: boolean } = {},
): Promise<{ id: string; manifest: SnapshotManifest; db: Warehouse }> {
  const snapId = id ?? await currentSnapshotId(root);
  if (!snapId) {
    throw new Error(
      `No published snapshot under ${root}: run \`deno task start\` (or ingest/train/forecast) first.`,
    );
  }
  const dir = join(root, snapId);
  const manifest = await readManifest(dir, snapId);
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  const db = new Warehouse(`${dir} (snapshot)`, instance, conn);
  await db.run("SET TimeZone = 'UTC'");
  if (options.validate) {
    try {
      await validateSnapshot(db, dir, snapId, manifest);
    } catch (err) {
      db.close();
      throw err;
    }
  }
  const q = (p: string) => p.replaceAll("'", "''");
  const ohlcvGlob = join(literalPath(dir), "ohlcv", "**", "*.parquet");
  if ((manifest.tables.ohlcv ?? 0) > 0) {
    await db.run(
      `CREATE VIEW ohlcv AS SELECT exchange, symbol, timeframe, ts, open, high, low, close, volume, run_id, ingested_at
       FROM read_parquet('${q(ohlcvGlob)}', hive_partitioning = true)`,
    );
  } else {
    await db.run(
      `CREATE VIEW ohlcv AS SELECT NULL::VARCHAR AS exchange, NULL::VARCHAR AS symbol, NULL::VARCHAR AS timeframe,
       NULL::TIMESTAMP AS ts, NULL::DOUBLE AS open, NULL::DOUBLE AS high, NULL::DOUBLE AS low, NULL::DOUBLE AS close,
       NULL::DOUBLE AS volume, NULL::VARCHAR AS run_id, NULL::TIMESTAMP AS ingested_at WHERE false`,
    );
  }
  for (const t of [...SNAPSHOT_TABLES, ...DERIVED_VIEWS]) {
    await db.run(
      `CREATE VIEW ${t} AS SELECT * FROM read_parquet('${
        q(literalPath(join(dir, t + ".parquet")))
      }')`,
    );
  }
  for (const [name, sql] of Object.entries(READER_VIEWS)) {
    await db.run(`CREATE VIEW ${name} AS ${sql}`);
  }
  return { id: snapId, manifest, db };
}

/**
 * Runs a query whose columns are all DOUBLE and returns them as
 * `Float64Array`s, read one DuckDB chunk (2048 rows) at a time: no JS value
 * is made per row, and the event loop runs between chunks, so reading
 * millions of rows never holds a reader's event loop for long (a NULL reads
 * as NaN). `sizeHint` is the expected row count (the arrays grow past it).
 *
 * @example
 * ```ts
 * const { ts, close } = await readDoubleColumns(snap.db, "SELECT epoch_ms(ts)::DOUBLE AS ts, close FROM ohlcv");
 * ```
 */
export async function readDoubleColumns(
  db: Warehouse,
  sql: string,
  params?: Params,
  sizeHint = 1024,
): Promise<Record<string, Float64Array>> {
  const result = await db.conn.stream(sql, params);
  const names = result.columnNames();
  let cap = Math.max(16, sizeHint);
  let cols = names.map(() => new Float64Array(cap));
  let n = 0;
  for (let chunk = await result.fetchChunk(); chunk; chunk = await result.fetchChunk()) {
    const rows = chunk.rowCount;
    if (rows === 0) break;
    if (n + rows > cap) {
      cap = Math.max(cap * 2, n + rows);
      cols = cols.map((c) => {
        const grown = new Float64Array(cap);
        grown.set(c.subarray(0, n));
        return grown;
      });
    }
    for (let j = 0; j < names.length; j++) {
      const v = chunk.getColumnVector(j);
      if (!(v instanceof DuckDBDoubleVector)) {
        throw new TypeError(`readDoubleColumns: column ${names[j]} is not DOUBLE`);
      }
      const c = cols[j];
      for (let i = 0; i < rows; i++) c[n + i] = v.getItem(i) ?? NaN;
    }
    n += rows;
  }
  const out: Record<string, Float64Array> = {};
  names.forEach((name, j) => out[name] = n === cap ? cols[j] : cols[j].slice(0, n));
  return out;
}

/** Why a snapshot is not served whole: `reason` names the file or partition, relative to the snapshot. */
export class SnapshotInvalid extends Error {
  constructor(readonly id: string, readonly reason: string) {
    super(`snapshot ${id} does not match its manifest: ${reason}`);
    this.name = "SnapshotInvalid";
  }
}

/** Reads and checks `<dir>/manifest.json` (a {@link SnapshotInvalid} naming the field when wrong). */
async function readManifest(dir: string, id: string): Promise<SnapshotManifest> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(dir, "manifest.json"));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new SnapshotInvalid(id, "manifest.json missing");
    throw err;
  }
  let m: SnapshotManifest;
  try {
    m = JSON.parse(text);
  } catch {
    throw new SnapshotInvalid(id, "manifest.json is not JSON");
  }
  if (typeof m !== "object" || m === null) {
    throw new SnapshotInvalid(id, "manifest.json: not an object");
  }
  if (m.id !== id) throw new SnapshotInvalid(id, `manifest.json: id is ${JSON.stringify(m.id)}`);
  if (typeof m.tables !== "object" || m.tables === null) {
    throw new SnapshotInvalid(id, "manifest.json: tables missing");
  }
  return m;
}

/**
 * Checks a snapshot against its manifest before anyone serves it, reading
 * only Parquet footers: every table file is there and readable with the row
 * count the manifest records (`tables`), the derived views' files are there,
 * and `ohlcv` has one partition per row of its `markets` table holding that
 * row's `candles`, summing to the manifest's count. Throws a
 * {@link SnapshotInvalid} naming the first file or partition that differs.
 *
 * @example
 * ```ts
 * await validateSnapshot(db, join(root, id), id, manifest);
 * ```
 */
export async function validateSnapshot(
  db: Warehouse,
  dir: string,
  id: string,
  manifest: SnapshotManifest,
): Promise<void> {
  const q = (p: string) => p.replaceAll("'", "''");
  const rowsIn = async (name: string, file: string): Promise<number> => {
    try {
      await Deno.stat(file);
    } catch {
      throw new SnapshotInvalid(id, `${name} missing`);
    }
    try {
      const r = await db.one<{ n: number }>(
        `SELECT sum(num_rows)::DOUBLE AS n FROM parquet_file_metadata('${q(literalPath(file))}')`,
      );
      return Number(r?.n ?? 0);
    } catch {
      throw new SnapshotInvalid(id, `${name} is not readable Parquet`);
    }
  };
  for (const t of [...SNAPSHOT_TABLES, ...DERIVED_VIEWS]) {
    const n = await rowsIn(`${t}.parquet`, join(dir, `${t}.parquet`));
    const want = manifest.tables[t];
    if (want !== undefined && n !== want) {
      throw new SnapshotInvalid(id, `${t}.parquet holds ${n} rows, the manifest says ${want}`);
    }
  }
  const want = manifest.tables.ohlcv ?? 0;
  const markets = await db.rows<
    { exchange: string; key: string; timeframe: string; candles: number }
  >(
    `SELECT exchange, replace(symbol, '/', '-') AS key, timeframe, candles::DOUBLE AS candles
     FROM read_parquet('${q(literalPath(join(dir, "markets.parquet")))}')`,
  );
  const parts = new Map<string, number>();
  if (want > 0 || markets.length > 0) {
    let files: { file_name: string; n: number }[];
    try {
      files = await db.rows(
        `SELECT file_name, num_rows::DOUBLE AS n
         FROM parquet_file_metadata('${q(join(literalPath(dir), "ohlcv", "**", "*.parquet"))}')`,
      );
    } catch {
      throw new SnapshotInvalid(id, "ohlcv/ missing or not readable Parquet");
    }
    for (const f of files) {
      const m = /exchange=([^/\\]+)[/\\]symbol_key=([^/\\]+)[/\\]timeframe=([^/\\]+)[/\\]/.exec(
        f.file_name,
      );
      if (!m) continue;
      const k = `exchange=${m[1]}/symbol_key=${m[2]}/timeframe=${m[3]}`;
      parts.set(k, (parts.get(k) ?? 0) + Number(f.n));
    }
  }
  let total = 0;
  for (const m of markets) {
    const k = `exchange=${m.exchange}/symbol_key=${m.key}/timeframe=${m.timeframe}`;
    const n = parts.get(k);
    if (n === undefined) {
      throw new SnapshotInvalid(
        id,
        `ohlcv partition ${k} missing (markets lists ${m.candles} candles)`,
      );
    }
    if (n !== m.candles) {
      throw new SnapshotInvalid(
        id,
        `ohlcv partition ${k} holds ${n} rows, markets lists ${m.candles}`,
      );
    }
    total += n;
  }
  if (total !== want) {
    throw new SnapshotInvalid(
      id,
      `ohlcv holds ${total} rows in its markets' partitions, the manifest says ${want}`,
    );
  }
}

/**
 * The snapshot ids under `root`, newest first (ids begin with their UTC
 * creation time); folders of unfinished publishes (`.tmp-…`) are not listed.
 */
export async function listSnapshots(root: string): Promise<string[]> {
  const ids: string[] = [];
  try {
    for await (const e of Deno.readDir(root)) {
      if (e.isDirectory && !e.name.startsWith(".")) ids.push(e.name);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return ids.sort().reverse();
}
