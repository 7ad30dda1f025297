/**
 * When a series is due for retraining, and which series a shard trains.
 *
 * A series is retrained when it has no champion, when its champion cannot be
 * served (its artifact is missing or no longer matches the sha256 the registry
 * recorded), when its champion was trained on features this code no longer
 * computes (another feature set, or the same name over changed SQL: another
 * feature hash), or when candles newer than its champion's training data
 * arrived *and* the champion is older than its timeframe's policy
 * ({@link RETRAIN_AFTER_HOURS}). A broken champion is due whatever its age:
 * `forecast` would refuse it until it is retrained. All the models of a series
 * are retrained together, so naive and drift champions (which use no
 * features) are judged by their run's feature hash like the others. Shards split the series by
 * a stable hash, so an external scheduler (cron on several hosts, a CI
 * matrix, Kubernetes jobs) can run `train --shard i/n` without coordinating.
 *
 * @module
 */
import type { Warehouse } from "../warehouse/db.ts";
import { isTimeframe, type Timeframe } from "../core/candles.ts";
import { type Series, seriesKey } from "../core/series.ts";
import { FEATURE_SET } from "./features/core.ts";
import { readServable } from "./registry/mod.ts";

/** Hours a champion serves before new candles make it due, per timeframe. */
export const RETRAIN_AFTER_HOURS: Record<Timeframe, number> = {
  "1m": 1,
  "5m": 3,
  "15m": 6,
  "1h": 24,
  "4h": 48,
  "1d": 24 * 7,
  "1w": 24 * 28,
};

/** A due series and why. */
export type DueSeries = Series & { reason: string };

/**
 * The series due for retraining (all stored series, or those of `among`).
 * `retrainAfterHours` overrides the per-timeframe policy for every series.
 *
 * @example
 * ```ts
 * for (const s of await dueSeries(wh)) console.log(s.symbol, s.timeframe, s.reason);
 * ```
 */
export async function dueSeries(
  wh: Warehouse,
  options: { retrainAfterHours?: number; among?: Series[]; now?: number } = {},
): Promise<DueSeries[]> {
  const rows = await wh.rows<{
    exchange: string;
    symbol: string;
    timeframe: string;
    last_ts: string;
    set_at: string | null;
    data_end: string | null;
    feature_set: string | null;
    feature_set_hash: string | null;
    artifact_path: string | null;
    artifact_sha256: string | null;
  }>(
    `WITH m AS (SELECT exchange, symbol, timeframe, max(ts) AS last_ts FROM ohlcv GROUP BY ALL)
     SELECT m.exchange, m.symbol, m.timeframe, m.last_ts, c.set_at, c.data_end, c.feature_set,
            c.feature_set_hash, c.artifact_path, c.artifact_sha256
     FROM m LEFT JOIN champions c USING (exchange, symbol, timeframe)
     ORDER BY 1, 3, 2`,
  );
  const now = options.now ?? Date.now();
  const due: DueSeries[] = [];
  for (const r of rows) {
    if (!isTimeframe(r.timeframe)) continue;
    const s: Series = { exchange: r.exchange, symbol: r.symbol, timeframe: r.timeframe };
    if (options.among && !options.among.some((a) => sameSeries(a, s))) continue;
    const champion = r.set_at && r.artifact_path
      ? await championHealth(r.timeframe, r.artifact_path, r.artifact_sha256 ?? "")
      : {};
    const reason = dueReason(r.timeframe, {
      lastCandle: Date.parse(r.last_ts),
      championSetAt: r.set_at ? Date.parse(r.set_at) : undefined,
      trainedThrough: r.data_end ? Date.parse(r.data_end) : undefined,
      featureSet: r.feature_set ?? undefined,
      featureSetHash: r.feature_set_hash ?? undefined,
      ...champion,
      now,
      retrainAfterHours: options.retrainAfterHours,
    });
    if (reason) due.push({ ...s, reason });
  }
  return due;
}

/**
 * Why a series is due, or `undefined` when its champion stays. Pure.
 *
 * @example
 * ```ts
 * dueReason("1d", { lastCandle: t, now: t }); // "no champion yet"
 * ```
 */
export function dueReason(
  tf: Timeframe,
  s: {
    lastCandle: number;
    championSetAt?: number;
    trainedThrough?: number;
    /** The champion's feature set, e.g. `core-v2+signals-v2`. */
    featureSet?: string;
    /** The feature hash the champion's run recorded. */
    featureSetHash?: string;
    /** The hash this code computes for the champion's feature set (its columns, its timeframe). */
    currentFeatureSetHash?: string;
    /** Why the champion's artifact cannot be served (missing, or not the registry's sha256). */
    artifactProblem?: string;
    now: number;
    retrainAfterHours?: number;
  },
): string | undefined {
  if (s.championSetAt === undefined) return "no champion yet";
  if (s.artifactProblem !== undefined) return `its champion cannot be served: ${s.artifactProblem}`;
  const core = s.featureSet?.split("+")[0];
  if (core !== undefined && core !== FEATURE_SET) {
    return `its champion uses feature set ${core}; this code computes ${FEATURE_SET}`;
  }
  if (
    s.featureSetHash !== undefined && s.currentFeatureSetHash !== undefined &&
    s.featureSetHash !== s.currentFeatureSetHash
  ) {
    return `its champion's feature set ${s.featureSet ?? "?"} was computed by other SQL (sha256 ${
      s.featureSetHash.slice(0, 12)
    }…); this code computes sha256 ${s.currentFeatureSetHash.slice(0, 12)}…`;
  }
  const hours = s.retrainAfterHours ?? RETRAIN_AFTER_HOURS[tf];
  const ageH = (s.now - s.championSetAt) / 3600_000;
  if (ageH < hours) return undefined;
  if (s.trainedThrough !== undefined && s.lastCandle <= s.trainedThrough) return undefined;
  return `champion ${ageH.toFixed(1)} h old (policy ${hours} h) and newer candles arrived`;
}

/**
 * Checks a champion's artifact as `forecast` will (see `readServable`), and
 * the hash this code computes for its feature set (its own signal columns).
 */
async function championHealth(
  tf: Timeframe,
  path: string,
  sha256: string,
): Promise<{ artifactProblem?: string; currentFeatureSetHash?: string }> {
  try {
    return { currentFeatureSetHash: (await readServable(path, sha256, tf)).featureSetHash };
  } catch (err) {
    return { artifactProblem: err instanceof Error ? err.message : String(err) };
  }
}

/** A slice of the work: shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Parses `--shard i/n` (1 ≤ i ≤ n).
 *
 * @example
 * ```ts
 * parseShard("2/3"); // { index: 2, count: 3 }
 * ```
 */
export function parseShard(text: string): Shard {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  const index = Number(m?.[1]), count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) {
    throw new RangeError(`--shard must be i/n with 1 ≤ i ≤ n (e.g. 1/3), got "${text}"`);
  }
  return { index, count };
}

/** True when `s` belongs to `shard`: a stable hash of the series, the same on every machine. */
export function inShard(s: Series, shard: Shard): boolean {
  return fnv1a(seriesKey(s)) % shard.count === shard.index - 1;
}

function sameSeries(a: Series, b: Series): boolean {
  return a.exchange === b.exchange && a.symbol === b.symbol && a.timeframe === b.timeframe;
}

/** 32-bit FNV-1a: small, stable across runtimes and machines. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
