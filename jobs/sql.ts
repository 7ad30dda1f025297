/**
 * Read-only SQL (the `sql` task): over the current snapshot by default, the
 * same data the API and the site serve, so it never waits for or disturbs a
 * writer; over the warehouse itself with `live`, waiting for a running
 * writer (with a message) instead of failing on DuckDB's lock.
 *
 * @module
 */
import type { Config } from "../core/config.ts";
import { openWarehouse, type Warehouse } from "../warehouse/db.ts";
import { openSnapshot, snapshotRoot } from "../warehouse/snapshot.ts";
import { consoleLog, type Log } from "./log.ts";

/** Options for {@link queryWarehouse}. */
export interface QueryOptions {
  /** Read the warehouse file (waiting for a writer), not the current snapshot. Default false. */
  live?: boolean;
  /** Where the waiting message goes (`err`). Default the console. */
  log?: Log;
}

/**
 * Runs `query` on the current snapshot (or, `live`, on the warehouse opened
 * read-only); returns its rows.
 *
 * @example
 * ```ts
 * const rows = await queryWarehouse(cfg, "SELECT * FROM markets");
 * const now = await queryWarehouse(cfg, "SELECT count(*) FROM ingest_runs", { live: true });
 * ```
 */
export async function queryWarehouse(
  cfg: Config,
  query: string,
  options: QueryOptions = {},
): Promise<Record<string, unknown>[]> {
  const db = options.live
    ? await openReader(cfg.db, options.log ?? consoleLog)
    : (await openSnapshot(snapshotRoot(cfg.db))).db;
  try {
    return await db.rows(query);
  } finally {
    db.close();
  }
}

/**
 * Opens the warehouse read-only, waiting while another process writes to it
 * (up to `PREVISION_WRITER_WAIT_SECONDS`, default 900), saying so once.
 */
async function openReader(path: string, log: Log): Promise<Warehouse> {
  const waitS = Number(Deno.env.get("PREVISION_WRITER_WAIT_SECONDS") ?? 900);
  const deadline = Date.now() + (Number.isFinite(waitS) ? waitS : 900) * 1000;
  let told = false;
  while (true) {
    try {
      return await openWarehouse(path, { readOnly: true });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (!/Could not set lock/i.test(msg) || Date.now() >= deadline) throw err;
      if (!told) {
        const pid = /PID (\d+)/.exec(msg)?.[1];
        log.err(
          `sql --live: waiting for the warehouse ${path}: another process${
            pid ? ` (pid ${pid})` : ""
          } is writing to it… (without --live, sql reads the current snapshot at once)`,
        );
        told = true;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
