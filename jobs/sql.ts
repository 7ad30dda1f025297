/**
 * Read-only SQL over the warehouse (the `sql` task).
 *
 * @module
 */
import type { Config } from "../core/config.ts";
import { openWarehouse } from "../warehouse/db.ts";

/**
 * Runs `query` on the warehouse opened read-only; returns its rows.
 *
 * @example
 * ```ts
 * const rows = await queryWarehouse(cfg, "SELECT * FROM markets");
 * ```
 */
export async function queryWarehouse(
  cfg: Config,
  query: string,
): Promise<Record<string, unknown>[]> {
  const wh = await openWarehouse(cfg.db, { readOnly: true });
  try {
    return await wh.rows(query);
  } finally {
    wh.close();
  }
}
