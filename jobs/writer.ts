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
function openWriter(path: string, log: Log): Promise<Warehouse> {
  return openWhenFree(path, {
    log,
    waiting: (pid) => `Waiting for the warehouse ${path}: another process${pid} is writing to it…`,
    pollMs: 1000,
  });
}

/**
 * Opens the warehouse (read-only with `readOnly`), waiting while another
 * process writes to it — up to `PREVISION_WRITER_WAIT_SECONDS` (default
 * 900) — and saying so once with `waiting` (given " (pid N)" or "").
 *
 * @example
 * ```ts
 * const wh = await openWhenFree("data/warehouse.duckdb", {
 *   readOnly: true,
 *   waiting: (pid) => `waiting for a writer${pid}…`,
 * });
 * ```
 */
export async function openWhenFree(
  path: string,
  options: { readOnly?: boolean; log?: Log; waiting: (pid: string) => string; pollMs?: number },
): Promise<Warehouse> {
  const log = options.log ?? consoleLog;
  const waitS = Number(Deno.env.get("PREVISION_WRITER_WAIT_SECONDS") ?? 900);
  const deadline = Date.now() + (Number.isFinite(waitS) ? waitS : 900) * 1000;
  let told = false;
  while (true) {
    try {
      return await openWarehouse(path, { readOnly: options.readOnly ?? false });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (!/Could not set lock/i.test(msg) || Date.now() >= deadline) throw err;
      if (!told) {
        const pid = /PID (\d+)/.exec(msg)?.[1];
        log.err(options.waiting(pid ? ` (pid ${pid})` : ""));
        told = true;
      }
      await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
    }
  }
}
