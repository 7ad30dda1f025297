// Small, dependency-free statistics for the site's pages (the research notebook, the track record,
// the signals page). Pure functions of arrays of numbers; non-finite values are the caller's job.

/**
 * Arithmetic mean (NaN for an empty array).
 * @example mean([1, 2, 3]) // 2
 */
export function mean(xs) {
  if (!xs.length) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * Sample standard deviation (n − 1 in the denominator).
 * @example sd([1, 2, 3]) // 1
 */
export function sd(xs) {
  const n = xs.length;
  if (n < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (n - 1));
}

/**
 * Moment skewness m3 / m2^1.5 (0 for a symmetric sample).
 * @example skewness([1, 2, 3]) // 0
 */
export function skewness(xs) {
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
 * Excess kurtosis m4 / m2² − 3: 0 for a normal distribution, positive for fat tails.
 * @example excessKurtosis([-1, 1, -1, 1]) // -2
 */
export function excessKurtosis(xs) {
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
 * The p-quantile of an ascending array, by linear interpolation (type 7, as R and numpy).
 * @example quantileSorted([1, 2, 3, 4], 0.5) // 2.5
 */
export function quantileSorted(sorted, p) {
  const n = sorted.length;
  if (!n) return NaN;
  const at = (n - 1) * p;
  const lo = Math.floor(at), hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/**
 * Standard normal density.
 * @example normalPdf(0) // 0.3989…
 */
export function normalPdf(z) {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/**
 * Standard normal cumulative distribution, through the complementary error function (Numerical
 * Recipes' erfcc: fractional error below 1.2e-7 everywhere, tails included).
 * @example normalCdf(1.96) // 0.975…
 */
export function normalCdf(z) {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc = t * Math.exp(
    -x * x - 1.26551223 +
      t * (1.00002368 +
          t * (0.37409196 +
              t * (0.09678418 +
                  t * (-0.18628806 +
                      t * (0.27886807 +
                          t *
                            (-1.13520398 +
                              t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
  );
  return z >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

/**
 * Standard normal quantile (Acklam's rational approximation; relative error < 1.2e-9).
 * @example normalQuantile(0.975) // 1.95996…
 */
export function normalQuantile(p) {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const a = [
    -39.69683028665376,
    220.9460984245205,
    -275.9285104469687,
    138.357751867269,
    -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406,
    161.5858368580409,
    -155.6989798598866,
    66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293,
    -0.3223964580411365,
    -2.400758277161838,
    -2.549732539343734,
    4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
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

/**
 * Sample autocorrelation at lags 1..maxLag (the usual biased estimator: Σ(x_t − m)(x_{t+k} − m) / Σ(x_t − m)²).
 * @example acf([1, 2, 1, 2, 1, 2], 1) // [-0.83…]
 */
export function acf(xs, maxLag) {
  const n = xs.length;
  const m = mean(xs);
  const d = xs.map((x) => x - m);
  let den = 0;
  for (const v of d) den += v * v;
  const out = [];
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
 * Hill's estimator of the tail index α from the k largest values of |x| (smaller α = fatter tail;
 * a normal distribution has no finite α and gives large, k-dependent values).
 * @example hill([1, 2, 4, 8, 16, 32, 64, 128], 3) // 0.721…
 */
export function hill(xs, k) {
  const a = xs.map(Math.abs).filter((x) => x > 0).sort((p, q) => q - p);
  if (k < 1 || k >= a.length) return NaN;
  const ref = Math.log(a[k]);
  let s = 0;
  for (let i = 0; i < k; i++) s += Math.log(a[i]) - ref;
  return k / s;
}

/**
 * Pearson correlation of two equally long arrays.
 * @example correlation([1, 2, 3], [2, 4, 7]) // 0.99…
 */
export function correlation(xs, ys) {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return NaN;
  const mx = mean(xs.slice(0, n)), my = mean(ys.slice(0, n));
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const a = xs[i] - mx, b = ys[i] - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/**
 * Wilson score interval for a proportion of `k` successes in `n` trials (z = 1.96: 95%). Honest at
 * small n, where the normal approximation is not: wilson(3, 4) spans 30%–95%.
 * @example wilson(8, 10) // { p: 0.8, lower: 0.49…, upper: 0.94… }
 */
export function wilson(k, n, z = 1.959964) {
  if (!(n > 0)) return { p: NaN, lower: NaN, upper: NaN };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/**
 * A 95% interval for a mean, from the t distribution's normal approximation (mean ± 1.96·sd/√n).
 * @example meanInterval([1, 2, 3, 4]) // { mean: 2.5, lower: 1.23…, upper: 3.76…, n: 4 }
 */
export function meanInterval(xs, z = 1.959964) {
  const m = mean(xs);
  const half = xs.length > 1 ? (z * sd(xs)) / Math.sqrt(xs.length) : NaN;
  return { mean: m, lower: m - half, upper: m + half, n: xs.length };
}

/**
 * Log returns ln(c_t / c_{t−1}) of a close series; a step across a null close is skipped.
 * @example logReturns([100, 110, 99]) // [0.0953…, -0.1053…]
 */
export function logReturns(closes) {
  const out = [];
  for (let i = 1; i < closes.length; i++) {
    const a = closes[i - 1], b = closes[i];
    if (a > 0 && b > 0) out.push(Math.log(b / a));
  }
  return out;
}
