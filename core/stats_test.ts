import assert from "node:assert/strict";
import fc from "fast-check";
import {
  anova,
  betaInc,
  fCdf,
  meanCi,
  proportionP,
  ranks,
  spearman,
  tCdf,
  tQuantile,
  wilson,
} from "./stats.ts";

const close = (a: number, b: number, tol = 1e-4) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} is not ${b} (±${tol})`);

Deno.test("distributions match published tables", () => {
  close(tQuantile(0.975, 10), 2.228139); // Student t, 10 df
  close(tQuantile(0.975, 4), 2.776445);
  close(tQuantile(0.975, 1e6), 1.959966);
  close(tCdf(0, 7), 0.5, 1e-12);
  close(fCdf(4.964603, 1, 10), 0.95); // F(1, 10) 95th percentile
  close(fCdf(2.866081, 4, 20), 0.95); // F(4, 20)
  close(betaInc(2, 3, 0.4), 0.5248); // I_0.4(2, 3) = 1 - sum_{j<2} C(4,j) .4^j .6^(4-j)
});

Deno.test("wilson() and meanCi() give the textbook intervals", () => {
  const [lo, hi] = wilson(5, 10);
  close(lo, 0.236593);
  close(hi, 0.763407);
  assert.deepEqual(wilson(0, 10).map((x) => Math.round(x * 1e4) / 1e4), [0, 0.2775]);
  const m = meanCi([1, 2, 3, 4, 5]);
  close(m.mean, 3, 1e-12);
  close(m.hi - m.mean, 2.776445 * Math.sqrt(2.5 / 5));
  assert.ok(Number.isNaN(meanCi([1]).lo));
});

Deno.test("property: t quantile and CDF invert each other; a Wilson interval holds its proportion", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      fc.integer({ min: 1, max: 500 }),
      (p, df) => {
        close(tCdf(tQuantile(p, df), df), p, 1e-7);
      },
    ),
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1000 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (n, f) => {
        const k = Math.round(n * f);
        const [lo, hi] = wilson(k, n);
        assert.ok(lo <= k / n + 1e-12 && k / n <= hi + 1e-12 && lo >= 0 && hi <= 1);
      },
    ),
  );
});

Deno.test("spearman(), ranks() and anova() behave at their extremes", () => {
  assert.deepEqual(ranks([10, 30, 20, 20]), [1, 4, 2.5, 2.5]);
  close(spearman([1, 2, 3, 4, 5], [2, 4, 9, 16, 30]).r, 1, 1e-12);
  close(spearman([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]).r, -1, 1e-12);
  const flat = spearman([1, 2, 3, 4, 5, 6], [1, 1, 1, 1, 1, 1]);
  assert.ok(Number.isNaN(flat.r));
  const same = anova([[1, 2, 3], [1, 2, 3]]);
  close(same.p, 1, 1e-6);
  const apart = anova([[1, 1.1, 0.9, 1.05], [5, 5.1, 4.9, 5.05]]);
  assert.ok(apart.p < 1e-6);
  close(proportionP(50, 100, 0.5), 1, 1e-6);
  assert.ok(proportionP(70, 100, 0.5) < 0.001);
});
