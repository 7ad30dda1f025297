/**
 * Argument helpers for the verbs: lists, integers, dates, shards and expiry
 * times, each failing with a {@link UsageError} that names the flag.
 *
 * @module
 */
import { isTimeframe, type Timeframe } from "../core/candles.ts";
import { parseIsoDate } from "../core/time.ts";
import { parseShard, type Shard } from "../pipeline/schedule.ts";
import { UsageError } from "../jobs/mod.ts";

/** `1h,1d` as timeframes; an unknown one is a usage error. */
export function tfList(s: string): Timeframe[] {
  return s.split(",").map((t) => {
    if (!isTimeframe(t)) {
      throw new UsageError(`Unknown timeframe "${t}": use 1m 5m 15m 1h 4h 1d 1w`);
    }
    return t;
  });
}

/** `btc-usdt,ETH/USDT` as `BASE/QUOTE` symbols. */
export function symbolList(s: string): string[] {
  return s.split(",").map((x) => x.trim().toUpperCase().replace("-", "/")).filter(Boolean);
}

/** `1,2,3` as positive integers for `--name`. */
export function intList(name: string, s: string): number[] {
  const out = s.split(",").map((h) => intArg(name, h.trim()));
  if (out.some((h) => h < 1)) {
    throw new UsageError(`--${name} must be positive integers, got "${s}"`);
  }
  return out;
}

/** An integer for `--name`. */
export function intArg(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, got "${v}"`);
  return n;
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

/** `--shard i/n`. */
export function shardArg(text: string): Shard {
  try {
    return parseShard(text);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `--expires`: an ISO 8601 date or time in the future, as UTC ISO text. */
export function expiryArg(text: string): string {
  const t = parseIsoDate(text);
  if (t === undefined) {
    throw new UsageError(
      `--expires "${text}" is not an ISO 8601 date or time (e.g. 2027-01-31 or 2027-01-31T12:00:00+02:00)`,
    );
  }
  if (t <= Date.now()) throw new UsageError(`--expires "${text}" is in the past`);
  return new Date(t).toISOString();
}
