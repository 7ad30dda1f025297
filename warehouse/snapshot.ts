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
import { DuckDBInstance } from "@duckdb/node-api";
import { dirname, join, resolve } from "node:path";
import { Warehouse } from "./db.ts";
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
  /** The warehouse's {@link contentMark} when published (absent in older snapshots). */
  mark?: string;
}

/**
 * A mark of what readers would see change: rows loaded by ingests, model
 * versions, alias changes and forecasts. A warehouse whose mark differs from
 * the current snapshot's has something to publish (a publish that failed
 * included).
 *
 * @example
 * ```ts
 * const before = await contentMark(wh);
 * // … ingest, train, forecast …
 * const changed = (await contentMark(wh)) !== before;
 * ```
 */
export async function contentMark(wh: Warehouse): Promise<string> {
  const r = await wh.one<Record<string, unknown>>(
    `SELECT (SELECT coalesce(sum(rows_loaded), 0) FROM ingest_runs) AS loaded,
            (SELECT count(*) FROM model_versions) AS versions,
            (SELECT count(*) FROM model_aliases) AS aliases,
            (SELECT count(*) FILTER (WHERE unset_at IS NOT NULL) FROM model_aliases) AS unset,
            (SELECT count(*) FROM forecasts) AS forecasts`,
  );
  return JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? String(v) : v));
}

/** The mark recorded in the current snapshot's manifest, if any. */
export async function currentSnapshotMark(root: string): Promise<string | undefined> {
  const id = await currentSnapshotId(root);
  if (!id) return undefined;
  try {
    const m = JSON.parse(await Deno.readTextFile(join(root, id, "manifest.json")));
    return typeof m.mark === "string" ? m.mark : undefined;
  } catch {
    return undefined;
  }
}

/** The snapshot root for a warehouse file: `PREVISION_SNAPSHOTS` or `<dir>/snapshots`. */
export function snapshotRoot(dbPath: string): string {
  return Deno.env.get("PREVISION_SNAPSHOTS") ??
    join(dirname(resolve(dbPath)), "snapshots");
}

/**
 * Writes a new snapshot of `wh` and makes it current. Returns its manifest.
 *
 * @example
 * ```ts
 * const m = await publishSnapshot(wh);
 * console.log(`published ${m.id}`);
 * ```
 */
export async function publishSnapshot(
  wh: Warehouse,
  root = snapshotRoot(wh.path),
): Promise<SnapshotManifest> {
  const now = new Date();
  const id = now.toISOString().replace(/[-:.]/g, "").replace("T", "-") +
    "-" + crypto.randomUUID().slice(0, 8);
  const dir = join(root, id);
  const tmp = join(root, `.tmp-${id}`);
  await Deno.mkdir(tmp, { recursive: true });
  const tables: Record<string, number> = {};
  const q = (p: string) => p.replaceAll("'", "''");
  try {
    // Partition values cannot hold "/", so symbols are keyed as BASE-QUOTE.
    await wh.run(
      `COPY (SELECT *, replace(symbol, '/', '-') AS symbol_key FROM ohlcv)
       TO '${q(join(tmp, "ohlcv"))}'
       (FORMAT parquet, PARTITION_BY (exchange, symbol_key, timeframe), OVERWRITE_OR_IGNORE)`,
    );
    tables.ohlcv = Number(
      (await wh.one<{ n: number }>(
        "SELECT count(*) AS n FROM ohlcv",
      ))?.n ?? 0,
    );
    for (const t of SNAPSHOT_TABLES) {
      await wh.run(
        `COPY (SELECT * FROM ${t}) TO '${q(join(tmp, t + ".parquet"))}' (FORMAT parquet)`,
      );
      tables[t] = Number(
        (await wh.one<{ n: number }>(`SELECT count(*) AS n FROM ${t}`))?.n ?? 0,
      );
    }
    // Derived views are published as tables, so readers need no SQL of ours.
    for (const v of DERIVED_VIEWS) {
      await wh.run(
        `COPY (SELECT * FROM ${v} ORDER BY ALL) TO '${
          q(join(tmp, v + ".parquet"))
        }' (FORMAT parquet)`,
      );
    }
    const sv = await wh.one<{ v: number }>(
      "SELECT max(version) AS v FROM schema_version",
    );
    const manifest: SnapshotManifest = {
      id,
      created_at: now.toISOString(),
      schema_version: sv?.v ?? 0,
      tables,
      mark: await contentMark(wh),
    };
    await Deno.writeTextFile(
      join(tmp, "manifest.json"),
      JSON.stringify(manifest, null, 2) + "\n",
    );
    await Deno.rename(tmp, dir);
    const pointer = join(root, `.CURRENT-${id}`);
    await Deno.writeTextFile(pointer, id + "\n");
    await Deno.rename(pointer, join(root, "CURRENT"));
    await pruneSnapshots(root, 3);
    return manifest;
  } catch (err) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw err;
  }
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
 * Opens the current snapshot as an in-memory DuckDB whose views carry the
 * warehouse's table names (`ohlcv`, `forecasts`, `markets`, …). Readers
 * never open the warehouse file itself.
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
): Promise<{ id: string; manifest: SnapshotManifest; db: Warehouse }> {
  const snapId = id ?? await currentSnapshotId(root);
  if (!snapId) {
    throw new Error(
      `No published snapshot under ${root}: run \`deno task start\` (or ingest/train/forecast) first.`,
    );
  }
  const dir = join(root, snapId);
  const manifest = JSON.parse(
    await Deno.readTextFile(join(dir, "manifest.json")),
  ) as SnapshotManifest;
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  const db = new Warehouse(`${dir} (snapshot)`, instance, conn);
  await db.run("SET TimeZone = 'UTC'");
  const q = (p: string) => p.replaceAll("'", "''");
  const ohlcvGlob = join(dir, "ohlcv", "**", "*.parquet");
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
      `CREATE VIEW ${t} AS SELECT * FROM read_parquet('${q(join(dir, t + ".parquet"))}')`,
    );
  }
  for (const [name, sql] of Object.entries(READER_VIEWS)) {
    await db.run(`CREATE VIEW ${name} AS ${sql}`);
  }
  return { id: snapId, manifest, db };
}

/** Keeps the newest `keep` snapshots (and the current one); removes older ones. */
async function pruneSnapshots(root: string, keep: number): Promise<void> {
  const current = await currentSnapshotId(root);
  const ids: string[] = [];
  for await (const e of Deno.readDir(root)) {
    if (e.isDirectory && !e.name.startsWith(".")) ids.push(e.name);
  }
  ids.sort();
  const old = ids.slice(0, Math.max(0, ids.length - keep));
  for (const id of old) {
    if (id === current) continue;
    await Deno.remove(join(root, id), { recursive: true }).catch(() => {});
  }
}
