/**
 * What every data loader shares: open the warehouse's published snapshot
 * (never the warehouse file), run one query function, print its JSON on
 * stdout, log on stderr, exit non-zero on failure.
 *
 * @module
 */
import type { SeriesLike } from "../../core/series.ts";
import type { Warehouse } from "../../warehouse/db.ts";
import { openSnapshot, snapshotRoot } from "../../warehouse/snapshot.ts";

/** A snapshot row that names a series: its exchange, symbol and timeframe columns, and more. */
export type SeriesRow = SeriesLike & Record<string, unknown>;

/** Sub-daily series keep this much history in the site's payloads. */
export const INTRADAY_WINDOW_DAYS = 60;

/**
 * Runs `query` against the current snapshot and writes its result to stdout
 * as JSON. Same snapshot → same bytes: no build times in the payload.
 *
 * @param name The loader's output name, for log lines.
 * @param query Reads the snapshot and returns the payload.
 * @example
 * ```ts
 * await runLoader("markets.json", (db) => db.rows("SELECT * FROM markets"));
 * ```
 */
export async function runLoader(
  name: string,
  query: (db: Warehouse) => Promise<unknown>,
): Promise<void> {
  const dbPath = Deno.env.get("PREVISION_DB") || "data/warehouse.duckdb";
  const started = performance.now();
  let snap: Awaited<ReturnType<typeof openSnapshot>> | undefined;
  try {
    snap = await openSnapshot(snapshotRoot(dbPath));
    const payload = await query(snap.db);
    await writeAll(JSON.stringify(payload) + "\n");
    const ms = Math.round(performance.now() - started);
    console.error(`${name}: snapshot ${snap.id}, ${ms} ms`);
  } catch (err) {
    console.error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    Deno.exit(1);
  } finally {
    snap?.db.close();
  }
}

async function writeAll(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let off = 0;
  while (off < bytes.length) off += await Deno.stdout.write(bytes.subarray(off));
}

/**
 * Rounds to 8 significant digits (null when not a finite number), to keep
 * payloads small and free of float noise.
 *
 * @example
 * ```ts
 * sig(64650.931234567); // 64650.931
 * ```
 */
export function sig(x: unknown): number | null {
  if (typeof x !== "number" || !Number.isFinite(x)) return null;
  return Number(x.toPrecision(8));
}
