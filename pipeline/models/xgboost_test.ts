import assert from "node:assert/strict";
import { Booster, DEFAULT_XGB_PARAMS } from "./xgboost.ts";
import { XgbPool } from "./pool.ts";

function data(n: number, seed = 1) {
  let s = seed;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const x = Array.from({ length: n }, () => [rnd(), rnd(), rnd()]);
  const y = x.map((r) => (r[0] > 0.5 ? 1 : -1) + 0.1 * r[1]);
  return { x, y };
}

Deno.test("Booster trains under Deno, and save/load gives the same predictions", async () => {
  const { x, y } = data(600);
  const params = { ...DEFAULT_XGB_PARAMS, min_child_weight: 1, iterations: 60, eta: 0.3 };
  const b = await Booster.train(x, y, params);
  const p1 = b.predict(x.slice(0, 20));
  const bytes = b.save();
  b.free();
  const b2 = await Booster.load(bytes, params);
  assert.deepEqual(b2.predict(x.slice(0, 20)), p1);
  b2.free();
  // It learned the step: high for x0 > 0.5, low otherwise.
  x.slice(0, 20).forEach((r, i) => assert.equal(Math.sign(p1[i]), r[0] > 0.5 ? 1 : -1));
  assert.throws(() => b2.predict(x), /freed/);
});

Deno.test("XgbPool trains in workers with the same result as the main thread", async () => {
  const { x, y } = data(400, 7);
  const params = { ...DEFAULT_XGB_PARAMS, min_child_weight: 1, iterations: 20, subsample: 1 };
  const pool = new XgbPool(2);
  try {
    const [a, b] = await Promise.all([
      pool.fit({ x, y, params, predict: [x.slice(0, 10)], save: true }),
      pool.fit({ x, y, params, predict: [x.slice(0, 10)], save: false }),
    ]);
    assert.deepEqual(a.preds, b.preds);
    assert.ok(a.bytes && a.bytes.length > 100 && !b.bytes);
    const local = await Booster.train(x, y, params);
    assert.deepEqual(local.predict(x.slice(0, 10)), a.preds[0]);
    local.free();
  } finally {
    pool.close();
  }
});

Deno.test("Booster.train() refuses mismatched inputs with a clear message", async () => {
  await assert.rejects(
    () => Booster.train([[1]], [1, 2], DEFAULT_XGB_PARAMS),
    /rows \(1\) and targets \(2\)/,
  );
  await assert.rejects(() => Booster.train([], [], DEFAULT_XGB_PARAMS), /zero rows/);
});
