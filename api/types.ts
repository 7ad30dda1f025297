/**
 * The shapes of the API's answers, for Hono's typed client (`hc<App>`): the
 * routes that send pre-serialized text declare them here.
 *
 * @module
 */

/** One candle; `ts` is its open time (ISO 8601 UTC). */
export interface Candle {
  ts: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** A page of `/api/v1/ohlcv`: `next` is the next page's `start`, `prev` the previous page's `end`. */
export interface OhlcvPage {
  exchange: string;
  symbol: string;
  timeframe: string;
  sample: boolean;
  candles: Candle[];
  next: string | null;
  prev: string | null;
}

/** One forecast point: the target candle's open time, when it closes, and the interval. */
export interface ForecastPoint {
  ts: string;
  closes_at: string;
  horizon: number;
  yhat: number;
  lower: number;
  upper: number;
  level: number;
}

/** `/api/v1/forecasts`: the champion's latest forecast. */
export interface ForecastDoc {
  exchange: string;
  symbol: string;
  timeframe: string;
  version_id: string;
  model: string;
  issued_at: string;
  sample: boolean;
  points: ForecastPoint[];
}

/** One row of `/api/v1/signals`. */
export interface SignalRow {
  source: string;
  symbol: string | null;
  ts: string;
  name: string;
  value: number | null;
  available_at: string;
}

/** A page of `/api/v1/signals`: `next` is the next page's `start`. */
export interface SignalsPage {
  signals: SignalRow[];
  next: string | null;
}
