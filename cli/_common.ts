/**
 * What every command shares: the writer's lifecycle, publishing for readers,
 * and argument parsing helpers that fail with usage errors.
 *
 * @module
 */
import type { Config } from "../core/config.ts";
import { openWarehouse, type Warehouse } from "../warehouse/db.ts";
import { publishSnapshot } from "../warehouse/snapshot.ts";
import { isTimeframe, type Timeframe } from "../core/candles.ts";
import { parseIsoDate } from "../core/time.ts";
import { exportKeys, keysFile } from "../warehouse/keys.ts";
import { importRequestLogs, requestLogDir } from "../warehouse/request_logs.ts";

/** Thrown for bad usage: printed without a stack, exit code 2. */
export class UsageError extends Error {}

/**
 * What every writing task hands on whether or not it publishes: the API's
 * request logs into `api_requests` (a failure only warns: traffic logs never
 * stop forecasts from reaching readers) and the keys file the API reads.
 */
export async function carryOver(wh: Warehouse, cfg: Config): Promise<void> {
  try {
    await importRequestLogs(wh, requestLogDir(cfg.db));
  } catch (err) {
    console.error(
      `request logs not imported (kept for the next run): ${
        err instanceof Error ? err.message : String(err)
      }`,
    );
  }
  await exportKeys(wh, keysFile(cfg.db));
}

/** Carries logs and keys over, and publishes a snapshot for readers. */
export async function publish(wh: Warehouse, cfg: Config): Promise<void> {
  await carryOver(wh, cfg);
  await publishSnapshot(wh);
}

export async function withWriter(
  cfg: Config,
  fn: (wh: Warehouse) => Promise<void>,
): Promise<number> {
  const wh = await openWriter(cfg.db);
  try {
    await fn(wh);
    return 0;
  } finally {
    wh.close();
  }
}

export function tfList(s: string): Timeframe[] {
  return s.split(",").map((t) => {
    if (!isTimeframe(t)) {
      throw new UsageError(`Unknown timeframe "${t}": use 1m 5m 15m 1h 4h 1d 1w`);
    }
    return t;
  });
}

export function symbolList(s: string): string[] {
  return s.split(",").map((x) => x.trim().toUpperCase().replace("-", "/")).filter(Boolean);
}

export function intList(name: string, s: string): number[] {
  const out = s.split(",").map((h) => intArg(name, h.trim()));
  if (out.some((h) => h < 1)) {
    throw new UsageError(`--${name} must be positive integers, got "${s}"`);
  }
  return out;
}

export function intArg(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, got "${v}"`);
  return n;
}

/**
 * Opens the warehouse for writing. DuckDB allows one writing process: while
 * another holds the file (a `train` shard, an `update`), wait for it — up to
 * `PREVISION_WRITER_WAIT_SECONDS` (default 900) — instead of failing at once.
 */
async function openWriter(path: string): Promise<Warehouse> {
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
        console.error(
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

/**
 * A date argument (`--since 2026-01-31`, or a date-time): milliseconds, UTC
 * unless an offset is given; anything else is a usage error naming the flag.
 */
export function dateArg(name: string, v: string): number {
  const ms = parseIsoDate(v);
  if (ms === undefined) {
    throw new UsageError(
      `--${name} "${v}" is not a date (e.g. 2026-01-31 or 2026-01-31T12:00:00Z)`,
    );
  }
  return ms;
}
