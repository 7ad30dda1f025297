/**
 * JSON Schemas of the API's answers for the OpenAPI document, matching
 * `types.ts` (a test checks real answers against them).
 *
 * @module
 */

const str = { type: "string" };
const num = { type: "number" };
const time = { type: "string", format: "date-time" };
const nullable = (s: Record<string, unknown>) => ({ anyOf: [s, { type: "null" }] });
const obj = (properties: Record<string, unknown>, optional: string[] = []) => ({
  type: "object",
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
});
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** A forecast point's fields: target candle, its close time, horizon and interval. */
const POINT = {
  ts: time,
  closes_at: time,
  horizon: { type: "integer" },
  yhat: num,
  lower: num,
  upper: num,
  level: num,
};

/** `components.schemas` of the document. */
export const SCHEMAS: Record<string, unknown> = {
  Error: obj({
    error: str,
    details: { type: "array", items: obj({ field: str, message: str }) },
  }, ["details"]),
  Candle: obj({ ts: time, open: num, high: num, low: num, close: num, volume: num }),
  OhlcvPage: obj({
    exchange: str,
    symbol: str,
    timeframe: str,
    sample: { type: "boolean" },
    candles: { type: "array", items: ref("Candle") },
    next: nullable(time),
    prev: nullable(time),
  }),
  ForecastPoint: obj(POINT),
  Forecast: obj({
    exchange: str,
    symbol: str,
    timeframe: str,
    version_id: str,
    model: str,
    issued_at: time,
    sample: { type: "boolean" },
    points: { type: "array", items: ref("ForecastPoint") },
  }),
  HistoryPage: obj({
    exchange: str,
    symbol: str,
    timeframe: str,
    points: {
      type: "array",
      items: obj({ version_id: str, issued_at: time, ...POINT, actual: nullable(num) }),
    },
    next: nullable(time),
    prev: nullable(time),
  }),
  SignalsPage: obj({
    signals: {
      type: "array",
      items: obj({
        source: str,
        symbol: nullable(str),
        ts: time,
        name: str,
        value: nullable(num),
        available_at: time,
      }),
    },
    next: nullable(time),
  }),
};
