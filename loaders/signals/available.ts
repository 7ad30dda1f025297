/**
 * When a signal became known (`signals.available_at`): the point-in-time
 * rules every signal loader applies, so a backtest only ever sees what was
 * known at each candle.
 *
 * - A source that states its publication time (a long-format file's
 *   `available_at` column) is taken at its word.
 * - A daily value is stored on its day (`ts` = 00:00 UTC) and counted as known
 *   at the **end of that day** (`ts + 1 day`): no daily source here publishes
 *   later than that, and most publish earlier, so the rule errs late, never
 *   early.
 * - A live pull saw every row it returned at the pull time, so a row is known
 *   by `min(end of its day, pulled at)`: the current day's value is usable from
 *   the moment it was pulled, not from a publication time we cannot know.
 *
 * @module
 */

/** One day in ms. */
export const DAY_MS = 86_400_000;

/**
 * The UTC day (00:00) holding `ms`: daily signals are stored on their day.
 *
 * @example
 * ```ts
 * dayOf(Date.UTC(2018, 1, 1, 5, 30)); // Date.UTC(2018, 1, 1): a 05:30 stamp is that day's value
 * ```
 */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/**
 * When a daily value dated `day` is known: the end of its day, or `seenAt`
 * (a live pull) when that is earlier.
 *
 * @example
 * ```ts
 * dailyAvailableAt(Date.UTC(2024, 0, 1)); // Date.UTC(2024, 0, 2)
 * dailyAvailableAt(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 9)); // pulled at 09:00 that day
 * ```
 */
export function dailyAvailableAt(day: number, seenAt = Infinity): number {
  return Math.min(day + DAY_MS, seenAt);
}
