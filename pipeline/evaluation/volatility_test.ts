import assert from "node:assert/strict";
import fc from "fast-check";
import {
  mseVariance,
  qlike,
  realizedVolatility,
  spanHorizons,
  trailingVolatility,
  varianceScale,
} from "./volatility.ts";

const close = [100, 110, 99, 99, 120];

Deno.test("realizedVolatility() sums the squared log returns of the next h candles, exactly", () => {
  const r = (a: number, b: number) => Math.log(close[b] / close[a]);
  const y1 = realizedVolatility([0, 1, 2, 3, 4], close, 1, 1);
  assert.deepEqual(y1.slice(0, 4), [0, 1, 2, 3].map((i) => Math.abs(r(i, i + 1))));
  assert.ok(Number.isNaN(y1[4]));
  const y2 = realizedVolatility([0, 1, 2, 3, 4], close, 2, 1);
  assert.equal(y2[0], Math.sqrt(r(0, 1) ** 2 + r(1, 2) ** 2));
  assert.equal(y2[2], Math.sqrt(r(2, 3) ** 2 + r(3, 4) ** 2));
  assert.ok(Number.isNaN(y2[3]) && Number.isNaN(y2[4]));
});

Deno.test("realizedVolatility() is undefined across a missing candle, never stretched", () => {
  // The candle at t = 2 is missing: no target may span it.
  const ts = [0, 1, 3, 4, 5];
  const y = realizedVolatility(ts, [100, 101, 103, 104, 106], 2, 1);
  assert.ok(Number.isNaN(y[0]), "0 → 2 spans the missing candle");
  assert.ok(Number.isNaN(y[1]), "1 → 3 starts with the missing candle");
  assert.equal(y[2], Math.sqrt(Math.log(104 / 103) ** 2 + Math.log(106 / 104) ** 2));
  assert.ok(Number.isNaN(y[3]) && Number.isNaN(y[4]));
});

Deno.test("realizedVolatility() matches a brute-force definition on series with gaps", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.boolean(), fc.double({ min: -0.1, max: 0.1, noNaN: true })), {
        minLength: 2,
        maxLength: 60,
      }),
      fc.integer({ min: 1, max: 6 }),
      (cells, h) => {
        const step = 3_600_000;
        const ts: number[] = [], px: number[] = [];
        let p = 100;
        cells.forEach(([keep, r], k) => {
          p *= Math.exp(r);
          if (keep || k === 0) {
            ts.push(k * step);
            px.push(p);
          }
        });
        const y = realizedVolatility(ts, px, h, step);
        const priceAt = new Map(ts.map((t, i) => [t, px[i]]));
        ts.forEach((t, i) => {
          let s = 0, ok = true;
          for (let k = 1; k <= h; k++) {
            const a = priceAt.get(t + (k - 1) * step), b = priceAt.get(t + k * step);
            if (a === undefined || b === undefined) ok = false;
            else s += Math.log(b / a) ** 2;
          }
          if (!ok) assert.ok(Number.isNaN(y[i]), `row ${i} should be undefined`);
          else assert.ok(Math.abs(y[i] - Math.sqrt(s)) < 1e-12, `row ${i}: ${y[i]} vs ${s}`);
        });
      },
    ),
  );
});

Deno.test("trailingVolatility() is the RMS of the last k returns, causal", () => {
  const r = [0.01, -0.02, 0.03, 0.0, -0.05];
  const v = trailingVolatility(r, 3);
  r.forEach((_, i) => {
    const w = r.slice(Math.max(0, i - 2), i + 1);
    const want = Math.sqrt(w.reduce((s, x) => s + x * x, 0) / w.length);
    assert.ok(Math.abs(v[i] - want) < 1e-15, `at ${i}: ${v[i]} vs ${want}`);
  });
  // Changing the future leaves the past unchanged.
  const w = trailingVolatility([...r.slice(0, 3), 0.5, 0.5], 3);
  assert.deepEqual(w.slice(0, 3), v.slice(0, 3));
});

Deno.test("qlike() matches hand-computed values and is 0 for a perfect forecast", () => {
  // y/ŷ = 2: 4 − ln 4 − 1; y/ŷ = 0.5: 0.25 − ln 0.25 − 1.
  assert.ok(Math.abs(qlike([0.02], [0.01]) - (3 - Math.log(4))) < 1e-12);
  assert.ok(Math.abs(qlike([0.01], [0.02]) - (0.25 + Math.log(4) - 1)) < 1e-12);
  assert.ok(
    Math.abs(qlike([0.02, 0.01], [0.01, 0.02]) - ((3 - Math.log(4)) + (Math.log(4) - 0.75)) / 2) <
      1e-12,
  );
  assert.equal(qlike([0.03, 0.01], [0.03, 0.01]), 0);
  // A zero move is left out (its loss is infinite for any forecast).
  assert.equal(qlike([0, 0.02], [0.01, 0.02]), 0);
  // Under-forecasting costs more than over-forecasting by the same factor.
  assert.ok(qlike([0.02], [0.01]) > qlike([0.01], [0.02]));
});

Deno.test("mseVariance() is the mean squared error of the variances", () => {
  assert.ok(Math.abs(mseVariance([0.02, 0.01], [0.01, 0.01]) - ((4e-4 - 1e-4) ** 2) / 2) < 1e-18);
});

/** A deterministic standard normal stream. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

Deno.test("varianceScale() calibrates a biased volatility forecaster: out-of-sample QLIKE improves", () => {
  const z = normals(7);
  const n = 4000;
  const sigma = Array.from({ length: n }, (_, i) => 0.01 * (1.5 + Math.sin(i / 150)));
  const y = sigma.map((s) => Math.abs(s * z()));
  // A forecaster of the mean of |r| (what least squares on realized vol estimates),
  // and one that is simply half the volatility.
  for (const [name, bias] of [["mean of |r|", Math.sqrt(2 / Math.PI)], ["half", 0.5]] as const) {
    const yhat = sigma.map((s) => bias * s);
    const train = (a: number[]) => a.slice(0, n / 2), test = (a: number[]) => a.slice(n / 2);
    const c = varianceScale(train(y), train(yhat));
    assert.ok(Math.abs(c - 1 / bias ** 2) / (1 / bias ** 2) < 0.08, `${name}: scale ${c}`);
    const before = qlike(test(y), test(yhat));
    const after = qlike(test(y), test(yhat).map((v) => Math.sqrt(c) * v));
    const oracle = qlike(test(y), test(sigma));
    assert.ok(after < before, `${name}: QLIKE ${after} after vs ${before} before`);
    assert.ok(Math.abs(after - oracle) < 0.02, `${name}: ${after} vs the true σ's ${oracle}`);
  }
  assert.equal(varianceScale([], []), 1);
});

Deno.test("spanHorizons() keeps the first, middle and last horizon", () => {
  assert.deepEqual(spanHorizons([1, 2, 3, 4, 5, 6, 7]), [1, 4, 7]);
  assert.deepEqual(spanHorizons(Array.from({ length: 24 }, (_, i) => i + 1)), [1, 12, 24]);
  assert.deepEqual(spanHorizons([3, 1]), [1, 3]);
  assert.deepEqual(spanHorizons([5]), [5]);
});
