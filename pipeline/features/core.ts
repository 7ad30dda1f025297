/**
 * The `core` feature set: causal features computed in DuckDB SQL.
 *
 * Every window ends at the current row (`ROWS BETWEEN n PRECEDING AND
 * CURRENT ROW`) or looks back with `lag`, so a feature at time t uses
 * candles up to t only. The definition is hashed: a model records the hash
 * of the features it was trained on.
 *
 * @module
 */
import type { Warehouse } from "../../warehouse/db.ts";
import type { Timeframe } from "../../core/candles.ts";
import { sha256Hex } from "../../core/hash.ts";
import {
  SIGNAL_FEATURES,
  signalColumn,
  signalParams,
  type SignalSpec,
  withSignalsSql,
} from "./signals.ts";

/** Window lengths (in candles) per timeframe: short, medium, long. */
export const WINDOWS: Record<Timeframe, [number, number, number]> = {
  "1m": [15, 60, 1440],
  "5m": [12, 48, 288],
  "15m": [8, 32, 96],
  "1h": [6, 24, 168],
  "4h": [6, 18, 84],
  "1d": [5, 20, 60],
  "1w": [4, 13, 52],
};

/** The model inputs, in matrix column order. */
export const FEATURE_COLUMNS = [
  "r_1",
  "r_lag1",
  "r_lag2",
  "r_s",
  "r_m",
  "vol_s",
  "vol_m",
  "vol_l",
  "range",
  "range_m",
  "gap",
  "vol_z",
  "rsi",
  "macd",
  "macd_hist",
  "bb_b",
  "atr",
  "hour",
  "weekday",
  "btc_r_1",
  "btc_vol_m",
] as const;

/** Name and version of this feature set. */
export const FEATURE_SET = "core-v2";

/** The feature set's name: `core-v2`, or `core-v2+signals-v2` with signal columns. */
export function featureSetName(signals: readonly SignalSpec[] = []): string {
  return signals.length ? `${FEATURE_SET}+${SIGNAL_FEATURES}` : FEATURE_SET;
}

/** The model inputs with signal columns (`sig:<source>:<name>`) after the core ones. */
export function featureColumns(signals: readonly SignalSpec[] = []): string[] {
  return [...FEATURE_COLUMNS, ...signals.map(signalColumn)];
}

/**
 * The SQL for one timeframe; windows are constants, values are bound. With
 * signals, each is joined as of the candle's close (see `signals.ts`).
 */
export function featureSql(tf: Timeframe, signals: readonly SignalSpec[] = []): string {
  return withSignalsSql(coreSql(tf), signals, tf);
}

/**
 * An exponential moving average (span n, α = 2/(n+1)) as a causal window: the
 * recursion runs over the last 8n+1 values, so older ones weigh below 1e-6.
 */
function ema(col: string, n: number): string {
  const a = 2 / (n + 1);
  return `list_reduce(list(${col}) OVER (w ROWS BETWEEN ${8 * n} PRECEDING AND CURRENT ROW), ` +
    `lambda acc, v: acc * ${1 - a} + v * ${a})`;
}

function coreSql(tf: Timeframe): string {
  const [s, m, l] = WINDOWS[tf];
  const back = (n: number) => `ROWS BETWEEN ${n - 1} PRECEDING AND CURRENT ROW`;
  return `
WITH base AS (
  SELECT symbol, ts, open, high, low, close, volume,
         ln(close / lag(close) OVER w) AS r_1,
         ln(open / lag(close) OVER w) AS gap,
         ln(high / low) AS range,
         ln(volume + 1e-9) AS lv,
         greatest(high - low, abs(high - lag(close) OVER w), abs(low - lag(close) OVER w)) AS tr
  FROM ohlcv
  WHERE exchange = $exchange AND timeframe = $timeframe
    AND symbol IN ($symbol, 'BTC/' || split_part($symbol, '/', 2))
  WINDOW w AS (PARTITION BY symbol ORDER BY ts)
),
f AS (
  SELECT *,
         lag(r_1, 1) OVER w AS r_lag1,
         lag(r_1, 2) OVER w AS r_lag2,
         ln(close / lag(close, ${s}) OVER w) AS r_s,
         ln(close / lag(close, ${m}) OVER w) AS r_m,
         stddev_samp(r_1) OVER (w ${back(s)}) AS vol_s,
         stddev_samp(r_1) OVER (w ${back(m)}) AS vol_m,
         stddev_samp(r_1) OVER (w ${back(l)}) AS vol_l,
         avg(range) OVER (w ${back(m)}) AS range_m,
         (lv - avg(lv) OVER (w ${back(m)})) / nullif(stddev_samp(lv) OVER (w ${back(m)}), 0)
           AS vol_z,
         sum(greatest(r_1, 0)) OVER (w ${back(14)}) / nullif(sum(abs(r_1)) OVER (w ${back(14)}), 0)
           AS rsi,
         ${ema("close", 12)} AS ema12,
         ${ema("close", 26)} AS ema26,
         0.5 + (close - avg(close) OVER (w ${back(20)}))
           / nullif(4 * stddev_samp(close) OVER (w ${back(20)}), 0) AS bb_b,
         avg(tr) OVER (w ${back(14)}) / close AS atr,
         hour(ts) AS hour,
         dayofweek(ts) AS weekday,
         row_number() OVER w AS n_seen
  FROM base
  WINDOW w AS (PARTITION BY symbol ORDER BY ts)
),
g AS (
  SELECT *, macd - ${ema("macd", 9)} AS macd_hist
  FROM (SELECT *, (ema12 - ema26) / close AS macd FROM f)
  WINDOW w AS (PARTITION BY symbol ORDER BY ts)
)
SELECT a.ts, a.close,
       ${FEATURE_COLUMNS.filter((c) => !c.startsWith("btc_")).map((c) => `a.${c}`).join(", ")},
       coalesce(b.r_1, 0) AS btc_r_1, coalesce(b.vol_m, a.vol_m) AS btc_vol_m
FROM g a
LEFT JOIN g b ON b.symbol = 'BTC/' || split_part($symbol, '/', 2) AND b.ts = a.ts
WHERE a.symbol = $symbol AND a.n_seen > ${l}
ORDER BY a.ts`;
}

/** SHA-256 of the feature set's definition for a timeframe (and its signals). */
export async function featureSetHash(
  tf: Timeframe,
  signals: readonly SignalSpec[] = [],
): Promise<string> {
  const text = featureSetName(signals) + "\n" + featureColumns(signals).join(",") + "\n" +
    featureSql(tf, signals);
  return await sha256Hex(new TextEncoder().encode(text));
}

/** Feature rows of one series, oldest first, as columns. */
export interface FeatureFrame {
  ts: number[];
  close: number[];
  /** One row per candle, columns in {@link featureColumns} order (missing values as 0). */
  x: number[][];
  /** Per signal column, its value at each candle as of the close, or null (unknown or stale). */
  signals: (number | null)[][];
}

/**
 * Computes the core features of a series in DuckDB. Rows still warming up
 * (fewer candles than the longest window) are left out.
 *
 * @example
 * ```ts
 * const f = await loadFeatures(wh, { exchange: "sample", symbol: "ETH/USDT", timeframe: "1h" });
 * ```
 */
export async function loadFeatures(
  wh: Warehouse,
  series: { exchange: string; symbol: string; timeframe: Timeframe },
  signals: readonly SignalSpec[] = [],
): Promise<FeatureFrame> {
  const cols = await wh.columns(featureSql(series.timeframe, signals), {
    exchange: series.exchange,
    symbol: series.symbol,
    timeframe: series.timeframe,
    ...signalParams(signals),
  });
  const n = (cols.ts ?? []).length;
  const ts = (cols.ts as string[]).map((s) => Date.parse(s));
  const close = cols.close as number[];
  const sig = signals.map((_, k) =>
    (cols[`sig_${k}`] ?? []).map((v) => typeof v === "number" && Number.isFinite(v) ? v : null)
  );
  const x: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = FEATURE_COLUMNS.map((c) => {
      const v = cols[c][i];
      return typeof v === "number" && Number.isFinite(v) ? v : 0;
    });
    // A signal not published yet is missing (NaN), not 0: a 0 Fear & Greed is "extreme fear".
    for (const s of sig) row.push(s[i] ?? NaN);
    x.push(row);
  }
  return { ts, close, x, signals: sig };
}
