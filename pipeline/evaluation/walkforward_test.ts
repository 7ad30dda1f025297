import assert from "node:assert/strict";
import { XgbPool } from "../models/pool.ts";
import { DEFAULT_XGB_PARAMS } from "../models/booster.ts";
import { fitCalibration } from "./conformal.ts";
import { makeFolds } from "./folds.ts";
import { mean } from "./metrics.ts";
import { ewmaVolatility, forwardLogReturns } from "./targets.ts";
import { type EvalSetup, MIN_SERVING_SCORES, walkForward } from "./walkforward.ts";

/** Hourly log returns with a small drift and Gaussian noise; features: the last two returns. */
function series(n: number, seed: number, pool = {} as XgbPool): EvalSetup {
  let s = seed >>> 0;
  const u = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const step = 3_600_000;
  const ts = Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * step);
  const returns = [0], close = [100];
  for (let i = 1; i < n; i++) {
    returns.push(0.0002 + 0.01 * normal());
    close.push(close[i - 1] * Math.exp(returns[i]));
  }
  const horizons = [1, 3];
  return {
    frame: { ts, close, x: returns.map((r, i) => [r, returns[i - 1] ?? 0]), signals: [] },
    targets: new Map(horizons.map((h) => [h, forwardLogReturns(ts, close, h, step)])),
    sigma: ewmaVolatility(returns, { lambda: 0.94 }),
    horizons,
    folds: makeFolds(ts[0], ts[n - 1], { k: 3, step }),
    step,
    pool,
    params: { ...DEFAULT_XGB_PARAMS, iterations: 10 },
  };
}

Deno.test("walkForward() fits serving models on every origin whose target is known and calibrates them on the latest folds' test residuals", async () => {
  // 3 folds over the last 40%: 400 test origins per fold (the latest is enough), then 160 (two).
  for (const [n, used] of [[3000, 1], [1200, 2]]) {
    const setup = series(n, 1);
    for (const kind of ["naive", "drift"] as const) {
      const { points, serving } = await walkForward(kind, setup);
      assert.deepEqual(serving.map((m) => m.h), setup.horizons);
      for (const m of serving) {
        const y = setup.targets.get(m.h)!;
        const usable = y.flatMap((v, i) => (Number.isFinite(v) ? [i] : []));
        const { ts } = setup.frame;
        // Up to the last origin whose target has closed: no block held back.
        assert.deepEqual(m.trainedOn, {
          from: ts[0],
          to: ts[ts.length - 1 - m.h],
          rows: usable.length,
        });
        if (kind === "drift") assert.equal(m.constant, mean(usable.map((i) => y[i])));
        // The intervals: the per-tercile method on the test residuals of the latest folds.
        const first = setup.folds[setup.folds.length - used];
        const mine = points.filter((p) => p.h === m.h && p.fold >= first.fold);
        assert.ok(mine.length >= MIN_SERVING_SCORES, `${mine.length}`);
        const later = mine.filter((p) => p.fold > first.fold).length;
        assert.ok(later < MIN_SERVING_SCORES, "no more folds than needed");
        const sigma = mine.map((p) => setup.sigma[p.origin]);
        const cal = fitCalibration(
          mine.map((p, j) => Math.abs(p.y - p.yhat) / (sigma[j] * Math.sqrt(m.h))),
          sigma,
        );
        assert.deepEqual({ q: m.q, bins: m.bins }, cal, `${kind} h=${m.h}`);
        assert.deepEqual(m.calibratedOn, {
          from: first.testStart,
          to: ts[mine[mine.length - 1].origin],
          n: mine.length,
          folds: used,
        });
      }
    }
  }
});

Deno.test({
  name:
    "walkForward() serving models learn from the latest outcomes, which leave the evaluation of earlier folds unchanged",
  sanitizeResources: false,
  async fn() {
    const pool = new XgbPool(1);
    try {
      const setup = series(2500, 2, pool);
      // Shift the outcomes of the last 5% of origins (all inside the last fold's test block).
      const cut = setup.frame.ts[Math.floor(2500 * 0.95)];
      const targets = new Map(
        [...setup.targets].map(([h, y]) => [
          h,
          y.map((v, i) => (setup.frame.ts[i] >= cut ? v + 0.05 : v)),
        ]),
      );
      for (const kind of ["drift", "xgboost"] as const) {
        const base = await walkForward(kind, setup);
        const moved = await walkForward(kind, { ...setup, targets });
        const earlier = (r: typeof base) => r.points.filter((p) => p.fold < setup.folds.length - 1);
        assert.deepEqual(earlier(moved), earlier(base), kind);
        for (const [j, m] of moved.serving.entries()) {
          const b = base.serving[j];
          if (kind === "drift") assert.ok(m.constant! > b.constant! + 0.001, `h=${m.h}`);
          else assert.notDeepEqual(m.booster, b.booster, `h=${m.h}`);
        }
      }
    } finally {
      pool.close();
    }
  },
});
