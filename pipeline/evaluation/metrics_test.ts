import assert from "node:assert/strict";
import fc from "fast-check";
import {
  coverage,
  dieboldMariano,
  directionalAccuracy,
  mae,
  mapePrice,
  quantile,
  rmse,
} from "./metrics.ts";
import { normalCdf } from "../../core/stats.ts";
import { makeFolds, trainIndices } from "./folds.ts";
import { ewmaVolatility, forwardLogReturns } from "./targets.ts";

Deno.test("mae(), rmse(), mapePrice() on known values", () => {
  assert.equal(mae([1, -1], [0, 0]), 1);
  assert.equal(rmse([3, -4], [0, 0]), Math.sqrt(12.5));
  assert.ok(Math.abs(mapePrice([Math.log(1.1)], [0]) - 100 * (1 - 1 / 1.1)) < 1e-9);
});

Deno.test("directionalAccuracy() ignores calls of no change", () => {
  assert.equal(directionalAccuracy([1, -1, 1, 1], [0.1, 0.1, 0, -2]), 1 / 3);
  assert.ok(Number.isNaN(directionalAccuracy([1, 2], [0, 0])));
});

Deno.test("coverage() and quantile() stay within bounds (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (xs, q) => {
        const v = quantile(xs, q);
        assert.ok(v >= Math.min(...xs) && v <= Math.max(...xs));
        const c = coverage(
          xs,
          xs.map((x) => x - 1),
          xs.map((x) => x + 1),
        );
        assert.equal(c, 1);
      },
    ),
  );
});

Deno.test("dieboldMariano() finds a clearly better forecast and not an identical one", () => {
  const e2 = Array.from({ length: 400 }, (_, i) => Math.sin(i * 7.3) * 2);
  const e1 = e2.map((e) => e * 0.5);
  const r = dieboldMariano(e1, e2, 1);
  assert.ok(r.stat < -3 && r.p < 0.01, JSON.stringify(r));
  assert.deepEqual(dieboldMariano(e2, e2, 3), { stat: 0, p: 1 });
});

Deno.test("normalCdf() matches known values", () => {
  assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
  assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
  assert.ok(Math.abs(normalCdf(-1) - 0.158655) < 1e-6);
});

Deno.test("forwardLogReturns() is exact in time and leaves gaps undefined", () => {
  const y = forwardLogReturns([0, 1, 3, 4], [100, 110, 121, 133.1], 1, 1);
  assert.ok(Math.abs(y[0] - Math.log(1.1)) < 1e-12);
  assert.ok(Number.isNaN(y[1]), "candle 2 is missing: no target");
  assert.ok(Number.isNaN(y[3]));
});

Deno.test("ewmaVolatility() is causal (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: 25, maxLength: 80 }),
      fc.nat(),
      (r, k) => {
        const cut = 20 + (k % (r.length - 20));
        const full = ewmaVolatility(r);
        const changed = ewmaVolatility([
          ...r.slice(0, cut),
          ...r.slice(cut).map((x) => x * 3 + 0.1),
        ]);
        assert.deepEqual(changed.slice(0, cut), full.slice(0, cut));
      },
    ),
  );
});

Deno.test("makeFolds() tiles the test span; trainIndices() keeps an embargo of h candles", () => {
  const folds = makeFolds(0, 999, { k: 4, testFraction: 0.4, step: 1 });
  assert.equal(folds[0].testStart, 600);
  assert.equal(folds.at(-1)!.testEnd, 1000);
  folds.slice(1).forEach((f, i) => assert.equal(f.testStart, folds[i].testEnd));
  const ts = Array.from({ length: 1000 }, (_, i) => i);
  const train = trainIndices(ts, 600, 5, 1, () => true);
  assert.equal(train.at(-1), 594, "origin 594's target (599) is the last before the test block");
});
