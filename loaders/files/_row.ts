/**
 * Builds one sourced candle from text fields, or says which field is bad, so
 * every format reports unparsable rows the same way.
 *
 * @module
 */
import type { Rejected, SourcedCandle } from "../validate.ts";
import { num } from "./_text.ts";
import { epochToMs } from "./_time.ts";

/** The rows a parser has read so far. */
export interface RowSink {
  rows: SourcedCandle[];
  unparsed: Rejected[];
}

/** A new, empty sink. */
export function sink(): RowSink {
  return { rows: [], unparsed: [] };
}

/**
 * Adds a candle to `out` when `ts` and every value is a number, otherwise an
 * unparsed row naming the first bad field.
 */
export function pushCandle(
  out: RowSink,
  ts: number,
  values: readonly [unknown, unknown, unknown, unknown, unknown],
  ref: string,
  raw: string,
  timeText?: string,
): void {
  if (!Number.isFinite(ts)) {
    out.unparsed.push({ ref, reason: `time ${JSON.stringify(timeText ?? "")} is not a time`, raw });
    return;
  }
  const names = ["open", "high", "low", "close", "volume"] as const;
  const v = [0, 0, 0, 0, 0];
  for (let i = 0; i < 5; i++) {
    const x = values[i];
    const n = typeof x === "number" ? x : typeof x === "string" ? num(x) : NaN;
    if (!Number.isFinite(n)) {
      const shown = x === undefined ? "missing" : JSON.stringify(x);
      out.unparsed.push({ ref, reason: `${names[i]} ${shown} is not a number`, raw });
      return;
    }
    v[i] = n;
  }
  out.rows.push({ ts, open: v[0], high: v[1], low: v[2], close: v[3], volume: v[4], ref });
}

/** Records a row with too few fields. */
export function pushShort(out: RowSink, want: number, got: number, ref: string, raw: string) {
  out.unparsed.push({ ref, reason: `expected ${want} fields, found ${got}`, raw });
}

/**
 * Reads a JSON list of arrays whose first six values are time, open, high,
 * low, close, volume (ccxt and Binance klines alike). Rows of another shape
 * are unparsed with `expected` as their reason.
 */
export function arrayRows(
  data: unknown[],
  ref: (i: number) => string,
  expected: string,
): RowSink {
  const out = sink();
  data.forEach((r, i) => {
    const raw = JSON.stringify(r);
    if (!Array.isArray(r) || r.length < 6) {
      out.unparsed.push({ ref: ref(i), reason: expected, raw });
      return;
    }
    const ts = typeof r[0] === "number" ? epochToMs(r[0]) : NaN;
    pushCandle(out, ts, [r[1], r[2], r[3], r[4], r[5]], ref(i), raw, String(r[0]));
  });
  return out;
}
