/**
 * `forecast`: from every champion, the next horizons after the last closed
 * candle, with 50/80/95% intervals, written to `forecasts`.
 *
 * A forecast row's `ts` is the target candle's open time (like `ohlcv.ts`);
 * `yhat` is that candle's predicted close. The artifact is checked against
 * its sha256 before use.
 *
 * @module
 */
import type { Warehouse } from "../warehouse/db.ts";
import { type Timeframe, timeframeMs } from "../loaders/candles.ts";
import { featureSetHash, featureSetName, loadFeatures } from "./features/core.ts";
import { specsFromColumns } from "./features/signals.ts";
import { ewmaVolatility } from "./evaluation/targets.ts";
import { calibratedHalfWidths } from "./evaluation/conformal.ts";
import { loadArtifact } from "./registry.ts";
import { Booster, type XgbParams } from "./models/xgboost.ts";

/** One forecast point. */
export interface ForecastPoint {
  ts: number;
  horizon: number;
  yhat: number;
  lower: number;
  upper: number;
  level: number;
}

/** A registered version as forecasting needs it. */
export interface VersionRef {
  version_id: string;
  exchange: string;
  symbol: string;
  timeframe: string;
  artifact_path: string;
  artifact_sha256: string;
}

/** A champion's forecast for one series. */
export interface SeriesForecast {
  version_id: string;
  exchange: string;
  symbol: string;
  timeframe: string;
  origin_ts: number;
  points: ForecastPoint[];
}

/**
 * Forecasts every series that has a champion; writes all rows in one
 * transaction. Returns what was written.
 *
 * @example
 * ```ts
 * const written = await forecastAll(wh, { now: Date.now() });
 * ```
 */
export async function forecastAll(
  wh: Warehouse,
  options: { now?: number } = {},
): Promise<SeriesForecast[]> {
  const champions = await wh.rows<VersionRef>(
    `SELECT a.version_id, a.exchange, a.symbol, a.timeframe, v.artifact_path, v.artifact_sha256
     FROM current_aliases a JOIN model_versions v USING (version_id)
     WHERE a.alias = 'champion' ORDER BY a.exchange, a.symbol, a.timeframe`,
  );
  const out: SeriesForecast[] = [];
  for (const c of champions) {
    out.push(await forecastVersion(wh, c));
  }
  const issued = new Date(options.now ?? Date.now()).toISOString().replace("Z", "");
  await wh.transaction(async () => {
    for (const f of out) {
      for (const p of f.points) {
        await wh.run(
          `INSERT INTO forecasts (version_id, exchange, symbol, timeframe, issued_at, origin_ts, ts,
             horizon, yhat, lower, upper, level)
           VALUES (?, ?, ?, ?, ?::TIMESTAMP, epoch_ms(?::BIGINT), epoch_ms(?::BIGINT), ?, ?, ?, ?, ?)`,
          [
            f.version_id,
            f.exchange,
            f.symbol,
            f.timeframe,
            issued,
            f.origin_ts,
            p.ts,
            p.horizon,
            p.yhat,
            p.lower,
            p.upper,
            p.level,
          ],
        );
      }
    }
  });
  return out;
}

/** Forecasts one version from the latest closed candle of its series. */
export async function forecastVersion(
  wh: Warehouse,
  v: VersionRef,
): Promise<SeriesForecast> {
  const a = await loadArtifact(v.artifact_path, v.artifact_sha256);
  const tf = v.timeframe as Timeframe;
  // The signal columns the model was trained with, rebuilt from its artifact.
  const signals = specsFromColumns(a.feature_columns);
  if (
    a.feature_set !== featureSetName(signals) ||
    a.feature_set_hash !== await featureSetHash(tf, signals)
  ) {
    throw new Error(
      `Model ${v.version_id} was trained on feature set ${a.feature_set} (${
        a.feature_set_hash.slice(0, 12)
      }), which this code no longer computes: retrain with \`deno task train\``,
    );
  }
  const frame = await loadFeatures(
    wh,
    { exchange: v.exchange, symbol: v.symbol, timeframe: tf },
    signals,
  );
  const last = frame.ts.length - 1;
  if (last < 0) throw new Error(`No candles to forecast ${v.symbol} ${tf} from`);
  const sigma = ewmaVolatility(frame.x.map((r) => r[0]), { lambda: a.sigma.lambda })[last];
  const step = timeframeMs(tf);
  const origin = frame.ts[last], close = frame.close[last];
  const points: ForecastPoint[] = [];
  for (const hm of a.horizons) {
    let r = 0;
    if (a.model === "drift") r = hm.constant ?? 0;
    if (a.model === "xgboost") {
      const bytes = Uint8Array.from(atob(hm.booster_base64!), (ch) => ch.charCodeAt(0));
      const b = await Booster.load(bytes, a.params as XgbParams);
      try {
        r = b.predict([frame.x[last]])[0];
      } finally {
        b.free();
      }
    }
    // Quantiles of σ's volatility bin; the pooled ones for artifacts without bins.
    const half = calibratedHalfWidths(hm, sigma, hm.h);
    for (const level of a.levels) {
      points.push({
        ts: origin + hm.h * step,
        horizon: hm.h,
        yhat: close * Math.exp(r),
        lower: close * Math.exp(r - half[level]),
        upper: close * Math.exp(r + half[level]),
        level,
      });
    }
  }
  return {
    version_id: v.version_id,
    exchange: v.exchange,
    symbol: v.symbol,
    timeframe: v.timeframe,
    origin_ts: origin,
    points,
  };
}
