import assert from "node:assert/strict";
import { Booster, DEFAULT_XGB_PARAMS, toMatrix } from "./booster.ts";
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

Deno.test("Booster trains on a float32 Matrix exactly as on rows: same bytes, same predictions", async () => {
  const { x, y } = data(500, 3);
  const params = { ...DEFAULT_XGB_PARAMS, min_child_weight: 1, iterations: 10 };
  const a = await Booster.train(x, y, params);
  const b = await Booster.train(toMatrix(x), Float32Array.from(y), params);
  assert.deepEqual(b.save(), a.save());
  assert.deepEqual(b.predict(toMatrix(x.slice(0, 30))), a.predict(x.slice(0, 30)));
  a.free();
  b.free();
});

Deno.test("Booster.train() takes more data than the 5 MB emscripten stack ml-xgboost copies it to", async () => {
  // ml-xgboost's own train() fails here with "memory access out of bounds" (65,000 × 21 × 4 B).
  let s = 5;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const x = Array.from({ length: 65_000 }, () => Array.from({ length: 21 }, rnd));
  const y = x.map((r) => (r[0] > 0.5 ? 1 : -1));
  const params = { ...DEFAULT_XGB_PARAMS, max_depth: 1, min_child_weight: 1, iterations: 2 };
  const b = await Booster.train(x, y, params);
  const p = b.predict([[0.1, ...x[0].slice(1)], [0.9, ...x[0].slice(1)]]);
  assert.ok(p[0] < 0 && p[1] > 0, `${p}`);
  b.free();
});

Deno.test("toMatrix() packs rows as float32 and refuses ragged rows with the row's number", () => {
  const m = toMatrix([[1, 2], [3, 0.1]]);
  assert.deepEqual([m.rows, m.cols, Array.from(m.data)], [2, 2, [1, 2, 3, Math.fround(0.1)]]);
  assert.throws(() => toMatrix([[1, 2], [3]]), /row 1 has 1 features, row 0 has 2/);
});

Deno.test("XgbPool.fit() copies a caller's Matrix (its buffer stays usable) and takes rows too", async () => {
  const { x, y } = data(300, 11);
  const params = { ...DEFAULT_XGB_PARAMS, min_child_weight: 1, iterations: 5 };
  const m = toMatrix(x);
  const pool = new XgbPool(1);
  try {
    const a = await pool.fit({ x: m, y, params, predict: [m], save: true });
    assert.equal(m.data.length, 300 * 3);
    const b = await pool.fit({ x, y, params, predict: [x], save: true });
    assert.deepEqual(a, { ...b, id: a.id });
    await assert.rejects(
      () => pool.fit({ x: [[1, 2], [3]], y: [1, 2], params, predict: [], save: false }),
      /row 1 has 1 features/,
    );
  } finally {
    pool.close();
  }
});

Deno.test("a missing value (NaN) and a real -1 stay apart, though ml-xgboost reads -1 as missing", async () => {
  // One feature: NaN (a signal not published yet), -1 (a sell signal) or 1; the target
  // tells NaN from -1. Without the encoding both would be "missing" and predict alike.
  const x: number[][] = [], y: number[] = [];
  for (let i = 0; i < 300; i++) {
    const k = i % 3;
    x.push([k === 0 ? NaN : k === 1 ? -1 : 1]);
    y.push(k === 0 ? 0 : k === 1 ? 10 : 5);
  }
  const params = {
    ...DEFAULT_XGB_PARAMS,
    min_child_weight: 1,
    iterations: 50,
    eta: 0.5,
    subsample: 1,
  };
  const b = await Booster.train(x, y, params);
  const probe = [[NaN], [-1], [1]];
  const [missing, minusOne, one] = b.predict(probe);
  assert.ok(Math.abs(missing - 0) < 0.5, `missing → ${missing}`);
  assert.ok(Math.abs(minusOne - 10) < 0.5, `-1 → ${minusOne}`);
  assert.ok(Math.abs(one - 5) < 0.5, `1 → ${one}`);
  assert.deepEqual([...toMatrix([[NaN, -1, 2]]).data], [-1, Math.fround(-1 + 2 ** -24), 2]);
  // Encoded once, whatever the path: a packed Matrix is not encoded again (a missing value
  // would become a -1), and the workers' boosters answer as the main thread's.
  const packed = toMatrix(probe);
  assert.equal(toMatrix(packed), packed);
  assert.deepEqual(b.predict(packed), [missing, minusOne, one]);
  const pool = new XgbPool(1);
  try {
    const r = await pool.fit({ x, y, params, predict: [probe], save: true });
    assert.deepEqual(r.preds[0], [missing, minusOne, one]);
    assert.deepEqual(r.bytes, b.save());
  } finally {
    pool.close();
  }
  b.free?.();
});
