/**
 * The embedded sample market: SYNTHETIC, deterministic candles that behave
 * like a crypto market, for running everything offline. Never real prices.
 *
 * How it is made (hourly, then aggregated):
 * - a market factor and one idiosyncratic component per asset, each a
 *   GARCH(1,1) process driven by Student-t(4) shocks: fat tails and
 *   volatility clustering; assets load on the factor, hence correlation;
 * - each hour is walked in {@link SUBSTEPS} sub-steps, so high and low are
 *   real path extremes;
 * - volume rises with volatility (a power of the conditional sigma, times
 *   log-normal noise);
 * - a few hours are missing (a deterministic hash picks them, like an
 *   exchange outage);
 * - daily candles are the hourly ones resampled.
 *
 * Determinism: the simulation always starts at {@link SAMPLE_EPOCH} with the
 * same seed and walks forward, so a candle at a given time has the same
 * values whatever day it is generated and whatever window is asked for.
 *
 * @module
 */
import { type Candle, resample, type Timeframe } from "../../core/candles.ts";

/** The simulation's fixed start: every sample path begins here. */
export const SAMPLE_EPOCH = Date.UTC(2022, 0, 1);

/** The exchange name the sample market is stored under, everywhere. */
export const SAMPLE_EXCHANGE = "sample";

/** Sub-steps per hour used to draw each candle's path. */
export const SUBSTEPS = 6;

const HOUR = 3_600_000;
const REGIME_PHI = 0.9994;
const REGIME_SD = 0.45;

interface AssetSpec {
  symbol: string;
  price: number; // price at SAMPLE_EPOCH
  beta: number; // loading on the market factor
  idioVol: number; // long-run hourly sigma of the idiosyncratic part
  volume: number; // typical hourly volume in base units
}

/** The assets of the sample market, with their starting prices. */
export const SAMPLE_ASSETS: readonly AssetSpec[] = [
  { symbol: "BTC/USDT", price: 46_300, beta: 1.0, idioVol: 0.0022, volume: 1_100 },
  { symbol: "ETH/USDT", price: 3_680, beta: 1.15, idioVol: 0.0035, volume: 14_000 },
  { symbol: "SOL/USDT", price: 170, beta: 1.35, idioVol: 0.0065, volume: 260_000 },
  { symbol: "BNB/USDT", price: 511, beta: 0.85, idioVol: 0.0040, volume: 45_000 },
];

/** The sample's symbols. */
export const SAMPLE_SYMBOLS = SAMPLE_ASSETS.map((a) => a.symbol);

/** Options for {@link generateSample}. */
export interface SampleOptions {
  /** First candle open time wanted (ms, inclusive). Clamped to SAMPLE_EPOCH. */
  start: number;
  /** End (ms, exclusive): candles whose bucket closes after it are left out. */
  end: number;
  /** Symbols wanted; default all of {@link SAMPLE_SYMBOLS}. */
  symbols?: readonly string[];
  /** Timeframes wanted; default `["1h", "1d"]`. */
  timeframes?: readonly Timeframe[];
  /** The seed; changing it gives another market. Default 20220101. */
  seed?: number;
}

/** Candles of one series. */
export interface SampleSeries {
  symbol: string;
  timeframe: Timeframe;
  candles: Candle[];
}

/**
 * Generates the sample market for a window. Pure: same options, same output.
 *
 * @example
 * ```ts
 * const end = Date.UTC(2026, 0, 1);
 * const series = generateSample({ start: end - 30 * 86_400_000, end });
 * series.find((s) => s.symbol === "BTC/USDT" && s.timeframe === "1d")!.candles.length; // 30
 * ```
 */
export function generateSample(options: SampleOptions): SampleSeries[] {
  const symbols = options.symbols ?? SAMPLE_SYMBOLS;
  const timeframes = options.timeframes ?? ["1h", "1d"];
  for (const s of symbols) {
    if (!SAMPLE_SYMBOLS.includes(s)) {
      throw new RangeError(
        `The sample market has no symbol "${s}": it has ${SAMPLE_SYMBOLS.join(", ")}`,
      );
    }
  }
  const hourly = simulateHourly(options.end, options.seed ?? 20220101);
  const out: SampleSeries[] = [];
  for (const symbol of symbols) {
    const all = hourly.get(symbol)!;
    for (const tf of timeframes) {
      const candles = tf === "1h" ? all : resample(all, tf, { until: options.end });
      out.push({
        symbol,
        timeframe: tf,
        candles: candles.filter((c) => c.ts >= options.start),
      });
    }
  }
  return out;
}

/** Walks every asset hour by hour from SAMPLE_EPOCH to `end` (exclusive). */
function simulateHourly(end: number, seed: number): Map<string, Candle[]> {
  const hours = Math.max(0, Math.floor((end - SAMPLE_EPOCH) / HOUR));
  const market = new Garch(0.0055, seed, 0);
  const idio = SAMPLE_ASSETS.map((a, i) => new Garch(a.idioVol, seed, i + 1));
  const volumeNoise = SAMPLE_ASSETS.map((_, i) => new Rng(seed ^ 0x5eed, 100 + i));
  const logPrice = SAMPLE_ASSETS.map((a) => Math.log(a.price));
  // A slow log-volatility regime (half-life of about five weeks) on top of the
  // hourly GARCH: it gives daily candles their volatility clustering too.
  const regimeRng = new Rng(seed ^ 0x7e91, 99);
  let regime = 0;
  const out = new Map<string, Candle[]>(SAMPLE_ASSETS.map((a) => [a.symbol, []]));
  const sub = 1 / Math.sqrt(SUBSTEPS);

  for (let h = 0; h < hours; h++) {
    const ts = SAMPLE_EPOCH + h * HOUR;
    // One factor path per hour, shared by all assets: that is the correlation.
    regime = REGIME_PHI * regime + REGIME_SD * Math.sqrt(1 - REGIME_PHI ** 2) * regimeRng.normal();
    const scale = Math.exp(regime - REGIME_SD ** 2 / 2);
    const m = market.step(SUBSTEPS, scale);
    for (let i = 0; i < SAMPLE_ASSETS.length; i++) {
      const a = SAMPLE_ASSETS[i];
      const e = idio[i].step(SUBSTEPS, scale);
      const open = Math.exp(logPrice[i]);
      let lp = logPrice[i];
      let hi = lp, lo = lp;
      for (let k = 0; k < SUBSTEPS; k++) {
        lp += (a.beta * m.sigma * m.shocks[k] + e.sigma * e.shocks[k]) * sub;
        hi = Math.max(hi, lp);
        lo = Math.min(lo, lp);
      }
      logPrice[i] = lp;
      const sigma = Math.hypot(a.beta * m.sigma, e.sigma);
      const longRun = Math.hypot(a.beta * market.longRun, idio[i].longRun);
      const activity = Math.pow(sigma / longRun, 1.3) * seasonality(ts);
      const volume = a.volume * activity * Math.exp(0.35 * volumeNoise[i].normal() - 0.06);
      if (isMissing(seed, i, h)) continue;
      out.get(a.symbol)!.push({
        ts,
        open,
        high: Math.exp(hi),
        low: Math.exp(lo),
        close: Math.exp(lp),
        volume,
      });
    }
  }
  return out;
}

/** Intraday activity: busier in US/EU hours, quieter at weekends. */
function seasonality(ts: number): number {
  const d = new Date(ts);
  const hour = d.getUTCHours();
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
  return (1 + 0.35 * Math.sin(((hour - 9) / 24) * 2 * Math.PI)) * (weekend ? 0.7 : 1);
}

/** About one hour in 2,500 is missing, plus a short outage per asset now and then. */
function isMissing(seed: number, asset: number, hour: number): boolean {
  if (hash01(seed, asset, hour) < 0.0004) return true;
  const block = Math.floor(hour / 2000);
  const outageStart = Math.floor(hash01(seed ^ 0xbad, asset, block) * 2000);
  return hash01(seed ^ 0xdead, asset, block) < 0.25 &&
    hour % 2000 >= outageStart && hour % 2000 < outageStart + 3;
}

/** GARCH(1,1) on Student-t(4) shocks scaled to unit variance. */
class Garch {
  readonly longRun: number;
  #variance: number;
  #lastShock = 0;
  readonly #rng: Rng;
  readonly #omega: number;
  static readonly ALPHA = 0.06;
  static readonly BETA = 0.92;

  constructor(longRunSigma: number, seed: number, stream: number) {
    this.longRun = longRunSigma;
    this.#variance = longRunSigma ** 2;
    this.#omega = longRunSigma ** 2 * (1 - Garch.ALPHA - Garch.BETA);
    this.#rng = new Rng(seed, stream);
  }

  /** Advances one hour: that hour's sigma (times the regime `scale`) and its `n` sub-step shocks. */
  step(n: number, scale = 1): { sigma: number; shocks: number[] } {
    this.#variance = this.#omega + Garch.ALPHA * this.#lastShock ** 2 +
      Garch.BETA * this.#variance;
    const sigma = Math.sqrt(this.#variance) * scale;
    const shocks: number[] = [];
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const z = this.#rng.studentT4();
      shocks.push(z);
      sum += z;
    }
    this.#lastShock = sigma / scale * sum / Math.sqrt(n);
    return { sigma, shocks };
  }
}

/** A small seeded PRNG (mulberry32) with normal and Student-t draws. */
class Rng {
  #state: number;
  constructor(seed: number, stream: number) {
    this.#state = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca77)) >>> 0;
  }
  uniform(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(this.uniform())) * Math.cos(2 * Math.PI * this.uniform());
  }
  /** Student-t with 4 degrees of freedom, scaled to unit variance (var of t4 is 2). */
  studentT4(): number {
    const z = this.normal();
    let chi = 0;
    for (let k = 0; k < 4; k++) chi += this.normal() ** 2;
    return z / Math.sqrt(chi / 4) / Math.SQRT2;
  }
}

/** A uniform in (0, 1) from a hash of three integers: order-free randomness. */
function hash01(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x27d4eb2d, 0x165667b1) ^ Math.imul(b + 0x9e3779b9, 0x85ebca6b) ^
    Math.imul(c + 0x7f4a7c15, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  return ((h >>> 0) + 0.5) / 4294967296;
}
