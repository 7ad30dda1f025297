/**
 * Statistics shared by the pipeline and the site's pages: the normal
 * distribution, Wilson intervals for hit rates, Student-t intervals for
 * means, rank correlation with its test, one-way ANOVA across buckets. Pure
 * functions; distributions through the regularized incomplete beta function.
 *
 * @module
 */

/**
 * Standard normal CDF (Abramowitz–Stegun 7.1.26, error < 1.5e-7).
 *
 * @example
 * ```ts
 * normalCdf(1.959964); // 0.975
 * ```
 */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.SQRT2);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t +
        0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval of a proportion k/n (NaNs when n = 0).
 *
 * @example
 * ```ts
 * wilson(55, 100); // [0.452, 0.644] (about)
 * ```
 */
export function wilson(k: number, n: number, z = Z95): [number, number] {
  if (n <= 0) return [NaN, NaN];
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

/** Pearson correlation (NaN when a side is constant). */
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
  const g = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const xx = x - 1;
  let s = g[0];
  for (let i = 1; i < 9; i++) s += g[i] / (xx + i);
  const t = xx + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(s);
}
