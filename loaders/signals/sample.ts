/**
 * A SYNTHETIC daily "fear & greed"-like signal for the embedded sample market
 * (source `sample-fear-greed`), so the offline demo has a signal to join,
 * judge and show. It is computed in SQL, causally, from the sample's stored
 * candles: the value for day D uses closes up to D 00:00 only, and, like every
 * daily value, it is known at the end of day D.
 *
 * value(D) = clamp(50 + 40·tanh(m / (σ₁₄·√14)) − 20·tanh(2·(σ₁₄/σ₉₀ − 1)), 0, 100), rounded,
 * where m is the 14-day log return of BTC/USDT (the first sample symbol when
 * BTC is absent) to D 00:00, σ₁₄ and σ₉₀ the 14- and 90-day standard deviations
 * of its daily log returns: recent gains read as greed, a jump in volatility
 * as fear. Deterministic: the same candles give the same values.
 *
 * @module
 */
import type { Warehouse } from "../../warehouse/db.ts";
import { SAMPLE_EXCHANGE } from "../sample/generator.ts";
import { ingestSignals, type SignalIngestResult, type SignalRow } from "./store.ts";
import { dailyAvailableAt } from "./available.ts";
import { fearGreedClass } from "./fear_greed.ts";

/** The source of the synthetic sample signal. */
export const SAMPLE_SIGNAL_SOURCE = "sample-fear-greed";

/**
 * The synthetic signal's values from the sample candles in the warehouse
 * (empty when there are none).
 *
 * @example
 * ```ts
 * const rows = await sampleSignalRows(wh);
 * ```
 */
export async function sampleSignalRows(wh: Warehouse): Promise<SignalRow[]> {
  const pick = await wh.one<{ symbol: string; timeframe: string }>(
    `SELECT symbol, timeframe FROM (
       SELECT DISTINCT symbol, timeframe FROM ohlcv WHERE exchange = ? AND timeframe IN ('1d', '1h'))
     ORDER BY symbol <> 'BTC/USDT', timeframe <> '1d', symbol LIMIT 1`,
    [SAMPLE_EXCHANGE],
  );
  if (!pick) return [];
  const step = pick.timeframe === "1d" ? "INTERVAL 1 DAY" : "INTERVAL 1 HOUR";
  const rows = await wh.rows<{ day: string; value: number; m: number; s14: number; s90: number }>(
    `WITH c AS (
       SELECT date_trunc('day', ts) + INTERVAL 1 DAY AS known_at, arg_max(close, ts) AS close,
              max(ts) AS last_ts
       FROM ohlcv WHERE exchange = $exchange AND symbol = $symbol AND timeframe = $timeframe
       GROUP BY 1
     ),
     d AS (
       -- complete days only: the day's last candle closes at the day's end
       SELECT known_at, ln(close / lag(close) OVER (ORDER BY known_at)) AS r
       FROM c WHERE last_ts + ${step} = known_at
     ),
     w AS (
       SELECT known_at,
              sum(r) OVER (ORDER BY known_at RANGE BETWEEN INTERVAL 13 DAY PRECEDING AND CURRENT ROW) AS m,
              stddev_samp(r) OVER (ORDER BY known_at RANGE BETWEEN INTERVAL 13 DAY PRECEDING AND CURRENT ROW) AS s14,
              stddev_samp(r) OVER (ORDER BY known_at RANGE BETWEEN INTERVAL 89 DAY PRECEDING AND CURRENT ROW) AS s90,
              count(r) OVER (ORDER BY known_at RANGE BETWEEN INTERVAL 89 DAY PRECEDING AND CURRENT ROW) AS n
       FROM d
     )
     SELECT known_at AS day, m, s14, s90,
            greatest(0, least(100, round(50 + 40 * tanh(m / (s14 * sqrt(14)))
                                          - 20 * tanh(2 * (s14 / s90 - 1))))) AS value
     FROM w WHERE n >= 30 AND s14 > 0 AND s90 > 0 ORDER BY known_at`,
    { exchange: SAMPLE_EXCHANGE, symbol: pick.symbol, timeframe: pick.timeframe },
  );
  return rows.map((r) => {
    const ts = Date.parse(r.day);
    return {
      source: SAMPLE_SIGNAL_SOURCE,
      symbol: null,
      ts,
      name: "value",
      value: r.value,
      available_at: dailyAvailableAt(ts),
      raw: JSON.stringify({
        synthetic: true,
        value: r.value,
        value_classification: fearGreedClass(r.value),
        from: `${SAMPLE_EXCHANGE} ${pick.symbol} ${pick.timeframe}`,
        return_14d: round(r.m),
        vol_14d: round(r.s14),
        vol_90d: round(r.s90),
      }),
      ref: `sample signal ${new Date(ts).toISOString().slice(0, 10)}`,
    };
  });
}

/**
 * Computes and upserts the synthetic sample signal as one run. Idempotent:
 * a second run loads only the new days.
 *
 * @example
 * ```ts
 * const r = await ingestSampleSignal(wh); // "731 loaded, 0 rejected, 0 duplicate"
 * ```
 */
export async function ingestSampleSignal(
  wh: Warehouse,
  options: { now?: number } = {},
): Promise<SignalIngestResult> {
  const rows = await sampleSignalRows(wh);
  return await ingestSignals(wh, SAMPLE_SIGNAL_SOURCE, rows, {
    now: options.now ?? Date.now(),
    params: { synthetic: true, from: "sample candles" },
  });
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
