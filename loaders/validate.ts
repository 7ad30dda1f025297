/**
 * Row-level candle validation: pure, so every loader (sample, exchange,
 * file) applies the same rules and every rejected row keeps its reason.
 *
 * @module
 */
import { type Candle, type Timeframe, TIMEFRAMES } from "../core/candles.ts";

/** A candle as read, with where it came from (`file:line` or a request). */
export interface SourcedCandle extends Candle {
  ref: string;
}

/** A row that was not loaded, and why. */
export interface Rejected {
  ref: string;
  reason: string;
  raw: string;
}

/** The outcome of {@link validateCandles}. */
export interface Validated {
  valid: SourcedCandle[];
  rejected: Rejected[];
  /** Identical repeats of a row already in the batch. */
  duplicates: number;
}

/**
 * Checks each candle: finite numbers, positive prices, non-negative volume,
 * high ≥ max(open, close), low ≤ min(open, close), a time aligned to the
 * timeframe, and closed by `now` (the still-open candle is excluded).
 * Within the batch, an identical repeat is a duplicate; a conflicting repeat
 * of the same time keeps the later row and rejects the earlier one.
 *
 * @example
 * ```ts
 * const { valid, rejected } = validateCandles(rows, "1h", { now: Date.now() });
 * ```
 */
export function validateCandles(
  rows: readonly SourcedCandle[],
  tf: Timeframe,
  options: { now: number },
): Validated {
  const step = TIMEFRAMES[tf];
  const rejected: Rejected[] = [];
  const byTs = new Map<number, SourcedCandle>();
  let duplicates = 0;
  for (const row of rows) {
    const reason = candleProblem(row, step, options.now);
    if (reason) {
      rejected.push({ ref: row.ref, reason, raw: rawOf(row) });
      continue;
    }
    const prev = byTs.get(row.ts);
    if (prev) {
      if (sameValues(prev, row)) {
        duplicates++;
        continue;
      }
      rejected.push({
        ref: prev.ref,
        reason: `conflicts with ${row.ref} for the same candle; the later row wins`,
        raw: rawOf(prev),
      });
    }
    byTs.set(row.ts, row);
  }
  const valid = [...byTs.values()].sort((a, b) => a.ts - b.ts);
  return { valid, rejected, duplicates };
}

/** Why a candle is invalid, or undefined when it is fine. */
export function candleProblem(c: Candle, step: number, now: number): string | undefined {
  for (const k of ["ts", "open", "high", "low", "close", "volume"] as const) {
    if (typeof c[k] !== "number" || !Number.isFinite(c[k])) return `${k} is not a number`;
  }
  for (const k of ["open", "high", "low", "close"] as const) {
    if (c[k] <= 0) return `${k} ${c[k]} is not positive`;
  }
  if (c.volume < 0) return `volume ${c.volume} is negative`;
  if (c.high < Math.max(c.open, c.close)) {
    return `high ${c.high} is below max(open ${c.open}, close ${c.close})`;
  }
  if (c.low > Math.min(c.open, c.close)) {
    return `low ${c.low} is above min(open ${c.open}, close ${c.close})`;
  }
  if (c.ts % step !== 0 && step < TIMEFRAMES["1w"]) {
    return `time ${new Date(c.ts).toISOString()} is not aligned to the timeframe`;
  }
  if (c.ts + step > now) {
    return `candle ${new Date(c.ts).toISOString()} has not closed yet`;
  }
  return undefined;
}

function sameValues(a: Candle, b: Candle): boolean {
  return a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close &&
    a.volume === b.volume;
}

function rawOf(c: SourcedCandle): string {
  const { ref: _ref, ...values } = c;
  return JSON.stringify(values);
}
