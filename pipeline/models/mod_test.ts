import assert from "node:assert/strict";
import { DEFAULT_XGB_PARAMS, MODEL_KINDS, modelOf, MODELS, XgbPool } from "./mod.ts";

const X = [[0.1, 1], [0.2, 2], [0.3, 3], [0.4, 4]];
const Y = [0.01, -0.02, 0.03, 0.02];

Deno.test("MODEL_KINDS lists naive, drift and xgboost in evaluation order", () => {
  assert.deepEqual(MODEL_KINDS, ["naive", "drift", "xgboost"]);
});

Deno.test("naive.fit() predicts no change for every row set; predict() is 0", async () => {
  const pool = new XgbPool(1);
  try {
    const r = await MODELS.naive.fit({
      x: X,
      y: Y,
      predict: [X.slice(0, 2), X],
      save: true,
      pool,
      params: DEFAULT_XGB_PARAMS,
    });
    assert.deepEqual(r.preds, [[0, 0], [0, 0, 0, 0]]);
    assert.equal(r.constant, undefined);
    assert.equal(await MODELS.naive.predict({}, X[0], {}), 0);
    assert.equal(MODELS.naive.hyperparams(DEFAULT_XGB_PARAMS), undefined);
  } finally {
    pool.close();
  }
});

Deno.test("drift.fit() predicts the mean target and keeps it; predict() serves the constant", async () => {
  const pool = new XgbPool(1);
  try {
    const r = await MODELS.drift.fit({
      x: X,
      y: Y,
      predict: [X.slice(0, 1)],
      save: true,
      pool,
      params: DEFAULT_XGB_PARAMS,
    });
    const mean = Y.reduce((a, b) => a + b) / Y.length;
    assert.ok(Math.abs(r.constant! - 0.01) < 1e-12);
    assert.deepEqual(r.preds, [[r.constant]]);
    assert.equal(mean, r.constant);
    assert.equal(await MODELS.drift.predict({ constant: 0.01 }, X[0], {}), 0.01);
    assert.equal(await MODELS.drift.predict({}, X[0], {}), 0);
  } finally {
    pool.close();
  }
});

Deno.test("xgboost: predict() from the saved booster matches fit()'s own predictions", async () => {
  const pool = new XgbPool(1);
  try {
    const params = { ...DEFAULT_XGB_PARAMS, min_child_weight: 0, iterations: 5 };
    const r = await MODELS.xgboost.fit({ x: X, y: Y, predict: [X], save: true, pool, params });
    assert.ok(r.booster && r.booster.length > 0);
    let s = "";
    for (const b of r.booster) s += String.fromCharCode(b);
    const served = await MODELS.xgboost.predict({ booster_base64: btoa(s) }, X[2], params);
    assert.equal(served, r.preds[0][2]);
    assert.equal(MODELS.xgboost.hyperparams(params), params);
  } finally {
    pool.close();
  }
});

Deno.test("modelOf() names an unknown kind", () => {
  assert.equal(modelOf("drift"), MODELS.drift);
  assert.throws(() => modelOf("arima"), /Unknown model kind "arima": this code knows naive, drift/);
});
