/**
 * The data fingerprint of a training run: one hash over every row its
 * features were computed from, so two runs with the same fingerprint saw the
 * same data.
 *
 * A series' features read three inputs (see `features/core.ts` and
 * `features/signals.ts`):
 * - its own candles;
 * - for a series whose base is not BTC, the candles of `BTC/<quote>` on the
 *   same exchange and timeframe (the cross-asset columns), up to the series'
 *   last candle: later ones are never joined;
 * - for each signal column, the signal rows the point-in-time join can see:
 *   same source and name, market-wide or of the series' base asset, with a
 *   value, published by the close of the series' last candle.
 *
 * Each input is summarized by its row count, span and the XOR of its rows'
 * hashes (order-free, computed in DuckDB); the summaries, in a fixed order,
 * are hashed with SHA-256. The fingerprint reads `<candles>:<16 hex digits>`.
 *
 * @module
 */
import type { Warehouse } from "../../warehouse/db.ts";
import { type Timeframe, timeframeMs } from "../../core/candles.ts";
import { sha256Hex } from "../../core/hash.ts";
import { seriesLabel } from "../../core/series.ts";
import type { SignalSpec } from "../features/signals.ts";

/** A series' data window and the fingerprint of every input of its features. */
export interface DataFingerprint {
  /** Open time of the series' first candle (ms). */
  start: number;
  /** Open time of its last candle (ms). */
  end: number;
  /** `<number of candles>:<hash>`. */
  hash: string;
}

interface Part {
  n: number | bigint;
  a: string | null;
  b: string | null;
  h: string | null;
}

/**
 * Fingerprints a series' candles, BTC's candles (when the series is not BTC)
 * and the rows of the signals it is trained with.
 *
 * @param options.signals the signal columns of the features (default none)
 * @example
 * ```ts
 * const signals = await signalSpecs(wh, series);
 * const { start, end, hash } = await dataFingerprint(wh, series, { signals });
 * ```
 */
export async function dataFingerprint(
  wh: Warehouse,
  s: { exchange: string; symbol: string; timeframe: Timeframe },
  options: { signals?: readonly SignalSpec[] } = {},
): Promise<DataFingerprint> {
  const key = { exchange: s.exchange, symbol: s.symbol, timeframe: s.timeframe };
  const own = (await wh.one<Part>(
    `SELECT count(*) AS n, min(ts) AS a, max(ts) AS b,
            bit_xor(hash(ts, open, high, low, close, volume))::VARCHAR AS h
     FROM ohlcv WHERE exchange = $exchange AND symbol = $symbol AND timeframe = $timeframe`,
    key,
  ))!;
  const lines = [`candles ${seriesLabel(s)} ${line(own)}`];
  const [base, quote] = s.symbol.split("/");
  if (base !== "BTC") {
    const btc = `BTC/${quote}`;
    const part = (await wh.one<Part>(
      `SELECT count(*) AS n, min(ts) AS a, max(ts) AS b,
              bit_xor(hash(ts, open, high, low, close, volume))::VARCHAR AS h
       FROM ohlcv
       WHERE exchange = $exchange AND symbol = $btc AND timeframe = $timeframe
         AND ts <= (SELECT max(ts) FROM ohlcv
                    WHERE exchange = $exchange AND symbol = $symbol AND timeframe = $timeframe)`,
      { ...key, btc },
    ))!;
    lines.push(`btc ${btc} ${line(part)}`);
  }
  const step = timeframeMs(s.timeframe);
  for (const spec of options.signals ?? []) {
    const part = (await wh.one<Part>(
      `SELECT count(*) AS n, min(available_at) AS a, max(available_at) AS b,
              bit_xor(hash(symbol, ts, available_at, value))::VARCHAR AS h
       FROM signals
       WHERE source = $source AND name = $name AND value IS NOT NULL AND available_at IS NOT NULL
         AND (symbol IS NULL OR split_part(symbol, '/', 1) = split_part($symbol, '/', 1))
         AND available_at <= (SELECT max(ts) + to_milliseconds($step::BIGINT) FROM ohlcv
                              WHERE exchange = $exchange AND symbol = $symbol
                                AND timeframe = $timeframe)`,
      { ...key, source: spec.source, name: spec.name, step },
    ))!;
    lines.push(`signal ${spec.source} ${spec.name} ${line(part)}`);
  }
  const digest = await sha256Hex(new TextEncoder().encode(lines.join("\n")));
  return {
    start: own.a === null ? NaN : Date.parse(own.a),
    end: own.b === null ? NaN : Date.parse(own.b),
    hash: `${own.n}:${digest.slice(0, 16)}`,
  };
}

function line(p: Part): string {
  return `n=${p.n} ${p.a ?? "-"} ${p.b ?? "-"} ${p.h ?? "-"}`;
}
