/**
 * The API's query schemas, and their validation cached per query string:
 * clients poll the same URLs, so a repeated query costs one map lookup.
 * Bad input is an HTTP 400 naming each field.
 *
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { validator } from "hono/validator";
import { z } from "zod";
import { parseIsoDate, validIsoDate } from "../core/time.ts";

const symbolSchema = z.string().max(41).regex(
  /^[A-Za-z0-9]{1,20}[/-][A-Za-z0-9]{1,20}$/,
  "expected BASE/QUOTE or BASE-QUOTE, e.g. BTC/USDT",
).transform((s) => s.toUpperCase().replace("-", "/"));
// Any well-formed timeframe passes; one the warehouse does not hold is a 404 later.
// Hours, days and weeks are case-insensitive (`1H`); `m` (minute) and `M` (month) are not.
const timeframeSchema = z.string().max(4).regex(
  /^[1-9][0-9]{0,2}[mhHdDwWM]$/,
  "expected a timeframe such as 1m 5m 15m 1h 4h 1d 1w",
).transform((s) => s.replace(/[HDW]$/, (u) => u.toLowerCase()));
const dateSchema = z.string().max(40).refine(
  validIsoDate,
  "expected an ISO 8601 date or time, e.g. 2026-01-31 or 2026-01-31T12:00:00Z",
).transform((s) => parseIsoDate(s)!);

/** `start` must not come after `end` (a 400 naming both). */
const ordered = (q: { start?: number; end?: number }) =>
  q.start === undefined || q.end === undefined || q.start <= q.end;
const orderedIssue = { message: "start is after end", path: ["start"] };
const exchangeSchema = z.string().max(40).regex(
  /^[a-z0-9_.-]+$/,
  "expected an exchange id such as binance",
);

export const seriesQuery = z.object({
  symbol: symbolSchema.describe("BASE/QUOTE or BASE-QUOTE, e.g. BTC/USDT (case-insensitive)"),
  timeframe: timeframeSchema.optional().describe(
    "1m 5m 15m 1h 4h 1d 1w (default 1d); one the warehouse does not hold is a 404",
  ),
  exchange: exchangeSchema.optional().describe(
    "exchange id, e.g. binance (default: the first that has the series)",
  ),
});
const limitSchema = z.string().regex(/^\d{1,5}$/, "expected an integer from 1 to 5000")
  .transform(Number).refine((n) => n >= 1 && n <= 5000, "expected an integer from 1 to 5000")
  .optional();

export const ohlcvQuery = seriesQuery.extend({
  start: dateSchema.optional().describe(
    "ISO 8601 date or time, inclusive; without it, the latest page",
  ),
  end: dateSchema.optional().describe("ISO 8601 date or time, inclusive; not before start"),
  limit: limitSchema.describe("rows per page, 1 to 5000 (default 1000)"),
}).refine(ordered, orderedIssue);

export const signalsQuery = z.object({
  source: z.string().max(40).regex(/^[a-z0-9_.:-]+$/, "expected a source id such as fear-greed")
    .optional(),
  symbol: symbolSchema.optional(),
  name: z.string().max(60).regex(/^[A-Za-z0-9_.:-]+$/, "expected a signal name such as value")
    .optional(),
  start: dateSchema.optional(),
  end: dateSchema.optional(),
  limit: limitSchema,
}).refine(ordered, orderedIssue);

/**
 * Validates a query with `schema`, remembering the answer per query string:
 * clients poll the same URLs, so the hot path is one map lookup. Bounded.
 */
function cachedQuery<T extends z.ZodType>(
  schema: T,
): ((c: Context) => z.output<T>) & { peek(search: string): z.output<T> | undefined } {
  const seen = new Map<string, z.output<T> | HTTPException>();
  const parseCached = (c: Context) => {
    const url = c.req.url;
    const at = url.indexOf("?");
    const search = at < 0 ? "" : url.slice(at);
    let r = seen.get(search);
    if (r === undefined) {
      try {
        r = parse(schema, c.req.query());
      } catch (err) {
        if (!(err instanceof HTTPException)) throw err;
        r = err;
      }
      if (seen.size >= 2000) seen.clear();
      seen.set(search, r);
    }
    if (r instanceof HTTPException) throw r;
    return r as z.output<T>;
  };
  /** A query string validated before, when it was valid; otherwise undefined. */
  const peek = (search: string) => {
    const r = seen.get(search);
    return r === undefined || r instanceof HTTPException ? undefined : r as z.output<T>;
  };
  return Object.assign(parseCached, { peek });
}

export const parseSeries = cachedQuery(seriesQuery);
export const parseOhlcv = cachedQuery(ohlcvQuery);
export const parseSignals = cachedQuery(signalsQuery);

// Route middlewares that validate (a 400 naming the field) and declare each route's query
// fields, as strings, to Hono's typed client; handlers read the parsed values from the
// cached `parse*` above.
export const seriesInput = validator("query", (_v, c) => {
  parseSeries(c);
  return {} as z.input<typeof seriesQuery>;
});
export const ohlcvInput = validator("query", (_v, c) => {
  parseOhlcv(c);
  return {} as z.input<typeof ohlcvQuery>;
});
export const signalsInput = validator("query", (_v, c) => {
  parseSignals(c);
  return {} as z.input<typeof signalsQuery>;
});

function parse<T extends z.ZodType>(schema: T, query: Record<string, string>): z.output<T> {
  const r = schema.safeParse(query);
  if (!r.success) {
    const details = r.error.issues.map((i) => ({
      field: i.path.join(".") || "query",
      message: i.code === "invalid_type" && i.input === undefined ? "required" : i.message,
    }));
    throw new HTTPException(400, {
      message: `invalid ${details.map((d) => d.field).join(", ")}`,
      cause: { details },
    });
  }
  return r.data;
}
