/**
 * Statistics shared by the pipeline and the site's pages: moments and
 * quantiles of a sample, the normal distribution, Wilson intervals for hit
 * rates, Student-t intervals for means, correlation (Pearson, and Spearman
 * with its test), one-way ANOVA, autocorrelation and the Hill tail index.
 * Pure functions of arrays of numbers (non-finite values are the caller's job). The site's pages
 * use this very file: `site/build.ts` copies it into `src/components/` (Framework cannot import
 * from outside its source root).
 *
 * @module
 */

/** Arithmetic mean (NaN for an empty array): `mean([1, 2, 3])` is 2. */
export function mean(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n − 1 denominator; NaN below 2 values): `sd([1, 2, 3])` is 1. */
export function sd(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (n - 1));
}

/** Moment skewness m3 / m2^1.5: 0 for a symmetric sample. */
export function skewness(xs: readonly number[]): number {
  const m = mean(xs);
  let m2 = 0, m3 = 0;
  for (const x of xs) {
    const d = x - m;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= xs.length;
  m3 /= xs.length;
  return m2 > 0 ? m3 / m2 ** 1.5 : NaN;
}

/**
 * Excess kurtosis m4 / m2² − 3: 0 for a normal distribution, positive for fat tails;
 * `excessKurtosis([-1, 1, -1, 1])` is −2.
 */
export function excessKurtosis(xs: readonly number[]): number {
  const m = mean(xs);
  let m2 = 0, m4 = 0;
  for (const x of xs) {
    const d2 = (x - m) ** 2;
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= xs.length;
  m4 /= xs.length;
  return m2 > 0 ? m4 / (m2 * m2) - 3 : NaN;
}

/**
 * The p-quantile of an ascending array, by linear interpolation (type 7, as R and numpy):
 * `quantileSorted([1, 2, 3, 4], 0.5)` is 2.5.
 */
export function quantileSorted(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (!n) return NaN;
  const at = (n - 1) * p;
  const lo = Math.floor(at), hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** Standard normal density: `normalPdf(0)` is 0.3989… */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Numerical Recipes' erfcc polynomial, from the t¹ coefficient up. */
// deno-fmt-ignore
const _ERFC = [1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398,
  1.48851587, -0.82215223, 0.17087277];

/**
 * Standard normal CDF, through the complementary error function (Numerical
 * Recipes' erfcc: fractional error below 1.2e-7 everywhere, tails included).
 *
 * @example
 * ```ts
 * normalCdf(1.959964); // 0.975
 * ```
 */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  let poly = 0;
  for (let i = _ERFC.length - 1; i >= 0; i--) poly = _ERFC[i] + t * poly;
  const erfc = t * Math.exp(-x * x - 1.26551223 + t * poly);
  return z >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

/** Acklam's coefficients for {@link normalQuantile}. */
// deno-fmt-ignore
const _ACKLAM = {
  a: [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269,
    -30.66479806614716, 2.506628277459239],
  b: [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572],
  c: [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783],
  d: [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416],
};

/**
 * Standard normal quantile (Acklam's rational approximation; relative error < 1.2e-9).
 *
 * @example
 * ```ts
 * normalQuantile(0.975); // 1.95996…
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const { a, b, c, d } = _ACKLAM;
  const lowTail = 0.02425;
  if (p < lowTail) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lowTail) return -normalQuantile(1 - p);
  const q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval of a proportion k/n (NaNs when n = 0). Honest at
 * small n, where the normal approximation is not: wilson(3, 4) spans 30%–95%.
 *
 * @example
 * ```ts
 * wilson(55, 100); // [0.452, 0.644] (about)
 * ```
 */
export function wilson(k: number, n: number, z = Z95): [number, number] {
  if (!(n > 0)) return [NaN, NaN];
  const p = k / n, z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Two-sided p-value of k successes in n against a proportion p0 (normal
 * approximation, continuity-corrected).
 */
export function proportionP(k: number, n: number, p0: number): number {
  if (n <= 0 || !(p0 > 0 && p0 < 1)) return NaN;
  const sd = Math.sqrt(n * p0 * (1 - p0));
  const z = Math.max(0, Math.abs(k - n * p0) - 0.5) / sd;
  return 2 * (1 - normalCdf(z));
}

/** Mean with its 95% Student-t interval. */
export interface MeanCi {
  n: number;
  mean: number;
  lo: number;
  hi: number;
}

/**
 * The mean of `xs` and its 95% t interval (NaN bounds below 2 values).
 *
 * @example
 * ```ts
 * meanCi([0.01, -0.02, 0.03]).mean; // 0.00667
 * ```
 */
export function meanCi(xs: readonly number[], level = 0.95): MeanCi {
  const n = xs.length;
  if (n === 0) return { n, mean: NaN, lo: NaN, hi: NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, lo: NaN, hi: NaN };
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  const half = tQuantile(1 - (1 - level) / 2, n - 1) * Math.sqrt(v / n);
  return { n, mean, lo: mean - half, hi: mean + half };
}

/** Ranks (1-based, ties averaged). */
export function ranks(xs: readonly number[]): number[] {
  const idx = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && xs[idx[j + 1]] === xs[idx[i]]) j++;
    for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/**
 * Pearson correlation of two equally long arrays (NaN when a side is constant).
 *
 * @example
 * ```ts
 * pearson([1, 2, 3], [2, 4, 7]); // 0.99…
 * ```
 */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return NaN;
  const mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Spearman rank correlation with its 95% Fisher-z interval and two-sided p-value. */
export interface Correlation {
  n: number;
  r: number;
  lo: number;
  hi: number;
  p: number;
}

/**
 * Spearman's rank correlation of x and y.
 *
 * @example
 * ```ts
 * spearman([1, 2, 3, 4], [10, 20, 30, 40]).r; // 1
 * ```
 */
export function spearman(x: readonly number[], y: readonly number[]): Correlation {
  const n = x.length;
  const r = pearson(ranks(x), ranks(y));
  if (!Number.isFinite(r) || n < 4) return { n, r, lo: NaN, hi: NaN, p: NaN };
  const c = Math.min(0.999999, Math.max(-0.999999, r));
  const z = Math.atanh(c), se = 1 / Math.sqrt(n - 3);
  const t = c * Math.sqrt((n - 2) / (1 - c * c));
  return {
    n,
    r,
    lo: Math.tanh(z - Z95 * se),
    hi: Math.tanh(z + Z95 * se),
    p: 2 * (1 - tCdf(Math.abs(t), n - 2)),
  };
}

/**
 * One-way ANOVA across groups (groups with fewer than 2 values are left
 * out): the F statistic and its p-value (NaN with fewer than 2 groups).
 */
export function anova(groups: readonly (readonly number[])[]): { f: number; p: number } {
  const gs = groups.filter((g) => g.length >= 2);
  const k = gs.length, n = gs.reduce((a, g) => a + g.length, 0);
  if (k < 2 || n <= k) return { f: NaN, p: NaN };
  const all = gs.flat();
  const grand = all.reduce((a, b) => a + b, 0) / n;
  let between = 0, within = 0;
  for (const g of gs) {
    const m = g.reduce((a, b) => a + b, 0) / g.length;
    between += g.length * (m - grand) ** 2;
    within += g.reduce((a, b) => a + (b - m) ** 2, 0);
  }
  if (within <= 0) return { f: NaN, p: NaN };
  const f = (between / (k - 1)) / (within / (n - k));
  return { f, p: 1 - fCdf(f, k - 1, n - k) };
}

/** Student-t CDF. */
export function tCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * betaInc(df / 2, 0.5, x);
  return t >= 0 ? 1 - tail : tail;
}

/** Student-t quantile (bisection on {@link tCdf}). */
export function tQuantile(p: number, df: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  let lo = -1e3, hi = 1e3;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** F-distribution CDF. */
export function fCdf(f: number, d1: number, d2: number): number {
  if (f <= 0) return 0;
  return betaInc(d1 / 2, d2 / 2, (d1 * f) / (d1 * f + d2));
}

/** The regularized incomplete beta function I_x(a, b) (Lentz's continued fraction). */
export function betaInc(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x > (a + 1) / (a + b + 2)) return 1 - betaInc(b, a, 1 - x);
  const tiny = 1e-300;
  let c = 1, d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    num = -((a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return (Math.exp(lnFront) * h) / a;
}

/** ln Γ(x) (Lanczos, g = 7). */
export function lgamma(x: number): number {
  // deno-fmt-ignore
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const xx = x - 1;
  let s = g[0];
  for (let i = 1; i < 9; i++) s += g[i] / (xx + i);
  const t = xx + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(s);
}

/**
 * Sample autocorrelation at lags 1..maxLag (the usual biased estimator:
 * Σ(x_t − m)(x_{t+k} − m) / Σ(x_t − m)²).
 *
 * @example
 * ```ts
 * acf([1, 2, 1, 2, 1, 2], 1); // [-0.83…]
 * ```
 */
export function acf(xs: readonly number[], maxLag: number): number[] {
  const n = xs.length;
  const m = mean(xs);
  const d = xs.map((x) => x - m);
  let den = 0;
  for (const v of d) den += v * v;
  const out: number[] = [];
  for (let k = 1; k <= maxLag; k++) {
    if (k >= n || den === 0) {
      out.push(NaN);
      continue;
    }
    let num = 0;
    for (let t = 0; t + k < n; t++) num += d[t] * d[t + k];
    out.push(num / den);
  }
  return out;
}

/**
 * Hill's estimator of the tail index α from the k largest values of |x|
 * (smaller α = fatter tail; a normal distribution has no finite α and gives
 * large, k-dependent values).
 *
 * @example
 * ```ts
 * hill([1, 2, 4, 8, 16, 32, 64, 128], 3); // 0.721…
 * ```
 */
export function hill(xs: readonly number[], k: number): number {
  const a = xs.map(Math.abs).filter((x) => x > 0).sort((p, q) => q - p);
  if (k < 1 || k >= a.length) return NaN;
  const ref = Math.log(a[k]);
  let s = 0;
  for (let i = 0; i < k; i++) s += Math.log(a[i]) - ref;
  return k / s;
}
