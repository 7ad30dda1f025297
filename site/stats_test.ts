import assert from "node:assert/strict";
import fc from "fast-check";
import {
  acf,
  excessKurtosis,
  hill,
  mean,
  meanCi,
  normalCdf,
  normalQuantile,
  pearson,
  quantileSorted,
  sd,
  skewness,
  wilson,
} from "../core/stats.ts";
import { prng } from "./testdata/random.ts";

function normals(n: number, seed: number): number[] {
  const u = prng(seed);
  return Array.from({ length: n }, () => normalQuantile(Math.min(1 - 1e-12, u() + 1e-12)));
}

Deno.test("normalQuantile inverts normalCdf and matches the textbook values", () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-5);
  assert.ok(Math.abs(normalQuantile(0.9) - 1.281552) < 1e-5);
  assert.ok(Math.abs(normalQuantile(0.01) + 2.326348) < 1e-5);
  fc.assert(
    fc.property(fc.double({ min: -5, max: 5, noNaN: true }), (z) => {
      assert.ok(Math.abs(normalQuantile(normalCdf(z)) - z) < 1e-4, `z=${z}`);
    }),
  );
});

Deno.test("moments: a large normal sample has skew and excess kurtosis near 0; a fat tail does not", () => {
  const z = normals(50_000, 7);
  assert.ok(Math.abs(mean(z)) < 0.02);
  assert.ok(Math.abs(sd(z) - 1) < 0.02);
  assert.ok(Math.abs(skewness(z)) < 0.05);
  assert.ok(Math.abs(excessKurtosis(z)) < 0.1);
  // A scale mixture of normals (vol regimes) is fat-tailed: kurtosis well above 0.
  const u = prng(9);
  const mixed = z.map((x) => x * (u() < 0.1 ? 4 : 1));
  assert.ok(excessKurtosis(mixed) > 3, `kurtosis ${excessKurtosis(mixed)}`);
  assert.equal(excessKurtosis([-1, 1, -1, 1]), -2);
});

Deno.test("quantileSorted interpolates like R type 7", () => {
  assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantileSorted([1, 2, 3, 4], 0), 1);
  assert.equal(quantileSorted([1, 2, 3, 4], 1), 4);
  assert.ok(Math.abs(quantileSorted([10, 20, 30], 0.25) - 15) < 1e-12);
});

Deno.test("acf finds an AR(1)'s coefficient and no memory in white noise", () => {
  const e = normals(20_000, 3);
  const ar: number[] = [];
  for (const [i, x] of e.entries()) ar.push((i ? 0.5 * ar[i - 1] : 0) + x);
  const [r1, r2] = acf(ar, 2);
  assert.ok(Math.abs(r1 - 0.5) < 0.03, `lag 1 ${r1}`);
  assert.ok(Math.abs(r2 - 0.25) < 0.03, `lag 2 ${r2}`);
  const band = 3 / Math.sqrt(e.length);
  assert.ok(acf(e, 10).every((r) => Math.abs(r) < band));
});

Deno.test("hill recovers a Pareto tail index", () => {
  const u = prng(11);
  for (const alpha of [2, 3]) {
    const xs = Array.from({ length: 20_000 }, () => (1 - u()) ** (-1 / alpha));
    const a = hill(xs, 1000);
    assert.ok(Math.abs(a - alpha) / alpha < 0.1, `alpha ${alpha}: ${a}`);
  }
  assert.ok(Number.isNaN(hill([1, 2], 5)));
});

Deno.test("pearson() is 1 for a line, -1 for its mirror, and symmetric", () => {
  const xs = [1, 2, 3, 4, 5];
  assert.ok(Math.abs(pearson(xs, xs.map((x) => 3 * x + 1)) - 1) < 1e-12);
  assert.ok(Math.abs(pearson(xs, xs.map((x) => -x)) + 1) < 1e-12);
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -1000, max: 1000 })),
        {
          minLength: 3,
          maxLength: 40,
        },
      ),
      (pairs) => {
        const a = pairs.map((p) => p[0]), b = pairs.map((p) => p[1]);
        const r = pearson(a, b);
        if (Number.isNaN(r)) return;
        assert.ok(Math.abs(r - pearson(b, a)) < 1e-9);
        assert.ok(r <= 1 + 1e-9 && r >= -1 - 1e-9);
      },
    ),
  );
});

Deno.test("wilson: textbook values, always inside [0, 1] and around p", () => {
  const w = wilson(8, 10);
  assert.ok(Math.abs(w[0] - 0.4902) < 1e-3 && Math.abs(w[1] - 0.9433) < 1e-3, JSON.stringify(w));
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5000 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (n, f) => {
        const k = Math.round(f * n);
        const p = k / n, [lower, upper] = wilson(k, n);
        assert.ok(lower >= 0 && upper <= 1 && lower <= p + 1e-12 && p <= upper + 1e-12);
      },
    ),
  );
  assert.ok(wilson(0, 0).every(Number.isNaN));
});

Deno.test("meanCi() narrows with n and holds the true mean", () => {
  const small = meanCi(normals(20, 1));
  const big = meanCi(normals(2000, 1));
  assert.ok(big.hi - big.lo < small.hi - small.lo);
  assert.ok(big.lo < 0.1 && big.hi > -0.1);
});
