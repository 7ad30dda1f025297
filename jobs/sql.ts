/**
 * Read-only SQL (the `sql` task): over the current snapshot by default, the
 * same data the API and the site serve, so it never waits for or disturbs a
 * writer; over the warehouse itself with `live`, waiting for a running
 * writer (with a message) instead of failing on DuckDB's lock.
 *
 * @module
 */
import type { Config } from "../core/config.ts";
import type { Warehouse } from "../warehouse/db.ts";
import { openSnapshot, snapshotRoot } from "../warehouse/snapshot.ts";
import { consoleLog, type Log } from "./log.ts";
import { openWhenFree } from "./writer.ts";

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

/** Opens the warehouse read-only, waiting (with one message) while another process writes to it. */
function openReader(path: string, log: Log): Promise<Warehouse> {
  return openWhenFree(path, {
    readOnly: true,
    log,
    waiting: (pid) =>
      `sql --live: waiting for the warehouse ${path}: another process${pid} is writing to it… ` +
      "(without --live, sql reads the current snapshot at once)",
    pollMs: 500,
  });
}
