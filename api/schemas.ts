/**
 * The shapes of the API's answers, each written once as a zod schema: the
 * TypeScript type is `z.infer` of it (Hono's typed client reads it), and
 * the OpenAPI document's `components.schemas` is generated from the same
 * schemas ({@link answerSchemas}). A test checks real answers against the
 * generated document, field for field.
 *
 * @module
 */
import { z } from "zod";

/** The answers named in the OpenAPI document (`#/components/schemas/<id>`). */
const ANSWERS = z.registry<{ id: string }>();

/** A time as the API writes it: ISO 8601 UTC (`2025-06-01T12:00:00.000Z`). */
const time = z.iso.datetime();

/** An error answer: what went wrong, and for bad input each field with its problem. */
export const ErrorAnswer = z.object({
  error: z.string(),
  details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
}).register(ANSWERS, { id: "Error" });
/** An error answer. */
export type ErrorAnswer = z.infer<typeof ErrorAnswer>;

/** One candle; `ts` is its open time. */
export const Candle = z.object({
  ts: time,
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
}).register(ANSWERS, { id: "Candle" });
/** One candle. */
export type Candle = z.infer<typeof Candle>;

/** A page of `/api/v1/ohlcv`: `next` is the next page's `start`, `prev` the previous page's `end`. */
export const OhlcvPage = z.object({
  exchange: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  sample: z.boolean(),
  candles: z.array(Candle),
  next: time.nullable(),
  prev: time.nullable(),
}).register(ANSWERS, { id: "OhlcvPage" });
/** A page of `/api/v1/ohlcv`. */
export type OhlcvPage = z.infer<typeof OhlcvPage>;

/** A forecast point's fields: target candle (open time), when it closes, horizon and interval. */
const point = {
  ts: time,
  closes_at: time,
  horizon: z.number().int(),
  yhat: z.number(),
  lower: z.number(),
  upper: z.number(),
  level: z.number(),
};

/** One point of a forecast. */
export const ForecastPoint = z.object(point).register(ANSWERS, { id: "ForecastPoint" });
/** One point of a forecast. */
export type ForecastPoint = z.infer<typeof ForecastPoint>;

/** `/api/v1/forecasts`: the champion's latest forecast. */
export const Forecast = z.object({
  exchange: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  version_id: z.string(),
  model: z.string(),
  issued_at: time,
  sample: z.boolean(),
  points: z.array(ForecastPoint),
}).register(ANSWERS, { id: "Forecast" });
/** The champion's latest forecast. */
export type Forecast = z.infer<typeof Forecast>;

/** One past forecast point beside the realized close (null until its candle has closed). */
export const HistoryPoint = z.object({
  version_id: z.string(),
  issued_at: time,
  ...point,
  actual: z.number().nullable(),
});
/** One past forecast point. */
export type HistoryPoint = z.infer<typeof HistoryPoint>;

/** A page of `/api/v1/forecasts/history`. */
export const HistoryPage = z.object({
  exchange: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  points: z.array(HistoryPoint),
  next: time.nullable(),
  prev: time.nullable(),
}).register(ANSWERS, { id: "HistoryPage" });
/** A page of `/api/v1/forecasts/history`. */
export type HistoryPage = z.infer<typeof HistoryPage>;

/** One row of `/api/v1/signals`; market-wide signals have symbol null. */
export const SignalRow = z.object({
  source: z.string(),
  symbol: z.string().nullable(),
  ts: time,
  name: z.string(),
  value: z.number().nullable(),
  available_at: time,
});
/** One row of `/api/v1/signals`. */
export type SignalRow = z.infer<typeof SignalRow>;

/** A page of `/api/v1/signals`: `next` is the next page's `start`. */
export const SignalsPage = z.object({
  signals: z.array(SignalRow),
  next: time.nullable(),
}).register(ANSWERS, { id: "SignalsPage" });
/** A page of `/api/v1/signals`. */
export type SignalsPage = z.infer<typeof SignalsPage>;

/** The name of an answer's schema in `components.schemas`, if it has one. */
export function answerName(schema: z.ZodType): string | undefined {
  return ANSWERS.get(schema)?.id;
}

/** The `components.schemas` of the OpenAPI document, generated from the schemas above. */
export function answerSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(ANSWERS, { uri: (id) => `#/components/schemas/${id}` });
  // Each comes as a standalone document; inside OpenAPI they are plain named schemas.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...s }]) => [id, _plain(s)]),
  );
}

/**
 * The document's plain style, throughout a schema: what a field is, not how
 * zod checks it. Nullable fields as `anyOf` with null; no date-time regex
 * beside the format, no safe-integer bounds; objects open to new fields
 * (a client must not break when a field is added).
 */
function _plain(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(_plain);
  if (typeof schema !== "object" || schema === null) return schema;
  const s = Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [k, _plain(v)]),
  ) as Record<string, unknown>;
  if (Array.isArray(s.type)) {
    s.anyOf = s.type.map((type) => ({ type }));
    delete s.type;
  }
  if (s.format === "date-time") delete s.pattern;
  if (s.type === "integer") {
    delete s.minimum;
    delete s.maximum;
  }
  if (s.additionalProperties === false) delete s.additionalProperties;
  return s;
}
