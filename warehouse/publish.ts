/**
 * Publishing for readers: what every writing task hands on when it is done.
 * The API's request logs come into `api_requests`, the keys file the API
 * reads is written, and a new snapshot (its layout and reader: `snapshot.ts`)
 * is written and made current — always ({@link publish}), or only when the
 * warehouse holds something the current snapshot does not
 * ({@link publishIfChanged}, by the warehouse's {@link contentMark}).
 *
 * @module
 */
import { join, relative } from "node:path";
import { literalPath, type Warehouse } from "./db.ts";
import { exportKeys, keysFile } from "./keys.ts";
import { importRequestLogs, requestLogDir } from "./request_logs.ts";
import {
  currentSnapshotId,
  DERIVED_VIEWS,
  SNAPSHOT_TABLES,
  type SnapshotManifest,
  snapshotRoot,
} from "./snapshot.ts";

/**
 * A snapshot's manifest as this module writes it: {@link SnapshotManifest}
 * plus `files`, the row count of every Parquet file published, keyed by its
 * path inside the snapshot folder (`ohlcv/exchange=…/symbol_key=…/timeframe=…/data_0.parquet`,
 * `markets.parquet`, …), so a reader can check that each is there and whole.
 */
export type PublishedManifest = SnapshotManifest & { files: Record<string, number> };

/** Options for publishing. */
export interface PublishOptions {
  /** Told when the request logs could not be imported. Default `console.error`. */
  warn?: (line: string) => void;
}

/**
 * Carries over what a writing task hands on whether or not it publishes: the
 * API's request logs into `api_requests` (a failure only warns: traffic logs
 * never stop forecasts from reaching readers) and the keys file the API reads.
 *
 * @example
 * ```ts
 * await carryOver(wh);
 * ```
 */
export async function carryOver(wh: Warehouse, options: PublishOptions = {}): Promise<void> {
  const warn = options.warn ?? ((line: string) => console.error(line));
  try {
    await importRequestLogs(wh, requestLogDir(wh.path));
  } catch (err) {
    warn(
      `request logs not imported (kept for the next run): ${
        err instanceof Error ? err.message : String(err)
      }`,
    );
  }
  await exportKeys(wh, keysFile(wh.path));
}

/**
 * Carries logs and keys over, and publishes a new snapshot for readers.
 *
 * @example
 * ```ts
 * const m = await publish(wh);
 * ```
 */
export async function publish(
  wh: Warehouse,
  options: PublishOptions = {},
): Promise<PublishedManifest> {
  await carryOver(wh, options);
  return await publishSnapshot(wh);
}

/** What {@link publishIfChanged} did: published a snapshot, or kept the current one. */
export type Published = { published: PublishedManifest; kept?: undefined } | {
  published?: undefined;
  kept: string;
};

/**
 * Publishes a new snapshot when the warehouse holds something the current one
 * does not (its content mark differs: this run wrote, or an earlier run wrote
 * and failed to publish), or when none exists yet; otherwise keeps it. Request
 * logs and keys are carried over either way.
 *
 * @example
 * ```ts
 * const r = await publishIfChanged(wh);
 * if (r.kept) console.log(`nothing new: snapshot ${r.kept} kept`);
 * ```
 */
export async function publishIfChanged(
  wh: Warehouse,
  options: PublishOptions = {},
): Promise<Published> {
  const root = snapshotRoot(wh.path);
  const current = await currentSnapshotId(root);
  if (!current || (await currentSnapshotMark(root)) !== (await contentMark(wh))) {
    return { published: await publish(wh, options) };
  }
  await carryOver(wh, options);
  return { kept: current };
}

/**
 * Writes a new snapshot of `wh` and makes it current. Returns its manifest.
 * First removes what killed publishes left: their `.tmp-<id>` folders and
 * `.CURRENT-<id>` pointers older than this publish.
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
): Promise<PublishedManifest> {
  const now = new Date();
  const id = now.toISOString().replace(/[-:.]/g, "").replace("T", "-") +
    "-" + crypto.randomUUID().slice(0, 8);
  const dir = join(root, id);
  const tmp = join(root, `.tmp-${id}`);
  await Deno.mkdir(root, { recursive: true });
  await removeKilledPublishes(root, id, now);
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
    const manifest: PublishedManifest = {
      id,
      created_at: now.toISOString(),
      schema_version: sv?.v ?? 0,
      tables,
      mark: await contentMark(wh),
      files: await fileRows(wh, tmp),
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

/** The row count of every Parquet file under `dir`, by its path relative to `dir` ("/"-separated). */
async function fileRows(wh: Warehouse, dir: string): Promise<Record<string, number>> {
  const rows = await wh.rows<{ file: string; n: number }>(
    `SELECT file_name AS file, num_rows AS n FROM parquet_file_metadata($glob) ORDER BY file_name`,
    { glob: literalPath(dir) + "/**/*.parquet" },
  );
  const files: Record<string, number> = {};
  for (const r of rows) {
    files[relative(dir, r.file).replaceAll("\\", "/")] = Number(r.n);
  }
  return files;
}

/**
 * Removes the partial folders (`.tmp-<id>`) and pointers (`.CURRENT-<id>`)
 * of publishes killed before they finished. Only ones older than this
 * publish (`id`, started at `started`) are touched: a newer one may be in
 * progress. Ids begin with their UTC start time, so they sort by age.
 */
async function removeKilledPublishes(root: string, id: string, started: Date): Promise<void> {
  for await (const e of Deno.readDir(root)) {
    const m = /^\.(tmp|CURRENT)-(.+)$/.exec(e.name);
    if (!m || m[2] >= id) continue;
    const path = join(root, e.name);
    const st = await Deno.lstat(path).catch(() => undefined);
    if (!st || (st.mtime && st.mtime >= started)) continue;
    await Deno.remove(path, { recursive: true }).catch(() => {});
  }
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
