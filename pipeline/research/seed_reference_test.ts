import assert from "node:assert/strict";
import { XgbPool } from "../models/pool.ts";
import { DEFAULT_XGB_PARAMS } from "../models/booster.ts";
import { makeFolds } from "../evaluation/folds.ts";
import { scorePoints } from "../evaluation/score.ts";
import { seedFeatures, seedLags, seedReferenceWalkForward } from "./seed_reference.ts";
import { ewmaVolatility, forwardLogReturns } from "../evaluation/targets.ts";
import { walkForward } from "../evaluation/walkforward.ts";

const DAY = 86_400_000;

Deno.test("seedFeatures() are the last closes, newest first, then hour and weekday", () => {
  const ts = [Date.UTC(2024, 0, 1, 5), Date.UTC(2024, 0, 1, 6), Date.UTC(2024, 0, 1, 7)];
  assert.deepEqual(seedFeatures(ts, [100, 101, 102], 2), [
    null,
    [101, 100, 6, 1],
    [102, 101, 7, 1],
  ]);
  assert.equal(seedLags([1, 2, 3, 4, 5, 6, 7]), 7);
  assert.equal(seedLags(Array.from({ length: 24 }, (_, i) => i + 1)), 12);
});

Deno.test({
  name:
    "seedReferenceWalkForward(): on a trending market the price-level model cannot extrapolate and loses to no change",
  sanitizeResources: false,
  async fn() {
    // A random walk with a strong upward drift: test prices leave the training range.
    let s = 9;
    const u = () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return (s + 0.5) / 2 ** 32 - 0.5;
    };
    const n = 900;
    const ts = Array.from({ length: n }, (_, i) => Date.UTC(2021, 0, 1) + i * DAY);
    const close = [100];
    for (let i = 1; i < n; i++) close.push(close[i - 1] * Math.exp(0.004 + 0.03 * u()));
    const returns = close.map((c, i) => (i ? Math.log(c / close[i - 1]) : 0));
    const horizons = [1, 2, 3];
    const setup = {
      frame: { ts, close, x: returns.map((r) => [r]), signals: [] },
      targets: new Map(horizons.map((h) => [h, forwardLogReturns(ts, close, h, DAY)])),
      sigma: ewmaVolatility(returns, { lambda: 0.94 }),
      horizons,
      folds: makeFolds(ts[0], ts[n - 1], { k: 2, step: DAY }),
      step: DAY,
      pool: new XgbPool(2),
      params: { ...DEFAULT_XGB_PARAMS, seed: 1 },
    };
    try {
      const points = await seedReferenceWalkForward(setup);
      assert.deepEqual([...new Set(points.map((p) => p.h))], [1, 2, 3]);
      const naive = (await walkForward("naive", setup)).points;
      const rows = scorePoints(points, naive);
      const mase = rows.find((r) => r.fold === null && r.horizon === null && r.metric === "mase")!;
      assert.ok(mase.value > 1.5, `seed reference MASE ${mase.value}`);
      // Stuck below the rising price: it forecasts falls.
      assert.ok(points.filter((p) => p.yhat < 0).length > 0.9 * points.length);
      // The same origins as the return models.
      const key = (p: { fold: number; h: number; origin: number }) =>
        `${p.fold}|${p.h}|${p.origin}`;
      assert.deepEqual(points.map(key).sort(), naive.map(key).sort());
    } finally {
      setup.pool.close();
    }
  },
});
