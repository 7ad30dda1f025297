/**
 * The writer's lifecycle: a job opens the warehouse for writing, does its
 * work and closes it, waiting first when another process holds it.
 *
 * @module
 */
import { openWarehouse, type Warehouse } from "../warehouse/db.ts";
import { consoleLog, type Log } from "./log.ts";

/**
 * Runs `fn` with the warehouse at `db` open for writing; closes it after.
 *
 * @example
 * ```ts
 * const n = await withWriter(cfg.db, async (wh) => (await wh.rows("SELECT 1")).length);
 * ```
 */
export async function withWriter<T>(
  db: string,
  fn: (wh: Warehouse) => Promise<T>,
  options: { log?: Log } = {},
): Promise<T> {
  const wh = await openWriter(db, options.log ?? consoleLog);
  try {
    return await fn(wh);
  } finally {
    wh.close();
  }
}

/**
 * Opens the warehouse for writing. DuckDB allows one writing process: while
 * another holds the file (a `train` shard, an `update`), wait for it — up to
 * `PREVISION_WRITER_WAIT_SECONDS` (default 900) — instead of failing at once.
 */
async function openWriter(path: string, log: Log): Promise<Warehouse> {
  const waitS = Number(Deno.env.get("PREVISION_WRITER_WAIT_SECONDS") ?? 900);
  const deadline = Date.now() + (Number.isFinite(waitS) ? waitS : 900) * 1000;
  let told = false;
  while (true) {
    try {
      return await openWarehouse(path);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (!/Could not set lock/i.test(msg) || Date.now() >= deadline) throw err;
      if (!told) {
        const pid = /PID (\d+)/.exec(msg)?.[1];
        log.err(
          `Waiting for the warehouse ${path}: another process${
            pid ? ` (pid ${pid})` : ""
          } is writing to it…`,
        );
        told = true;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
