import assert from "node:assert/strict";
import { makeFolds } from "../evaluation/folds.ts";
import { ewmaVolatility } from "../evaluation/targets.ts";
import { trailingVolatility } from "../evaluation/volatility.ts";
import { XgbPool } from "../models/pool.ts";
import {
  evaluateVolatility,
  scoreVolatility,
  VOL_MODELS,
  type VolPoint,
  volSummaries,
} from "./volatility.ts";

const DAY = 86_400_000;

/** A deterministic standard normal stream. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** Daily GARCH(1,1) returns (α 0.15, β 0.8, 2% unconditional volatility) and their frame. */
function garchSeries(n: number, seed: number, shockFrom = Infinity) {
  const z = normals(seed);
  const returns = [0];
  let v = 4e-4;
  for (let i = 1; i < n; i++) {
    const r = Math.sqrt(v) * z() * (i >= shockFrom ? 3 : 1);
    returns.push(r);
    v = 2e-5 + 0.15 * r * r + 0.8 * v;
  }
  const close = [100];
  for (let i = 1; i < n; i++) close.push(close[i - 1] * Math.exp(returns[i]));
  const ts = returns.map((_, i) => Date.UTC(2020, 0, 1) + i * DAY);
  const v5 = trailingVolatility(returns, 5), v22 = trailingVolatility(returns, 22);
  const frame = { ts, close, x: returns.map((r, i) => [r, v5[i], v22[i]]), signals: [] };
  return { frame, returns, sigma: ewmaVolatility(returns, { lambda: 0.94 }) };
}

Deno.test({
  name:
    "evaluateVolatility() on GARCH returns: EWMA and HAR beat the unconditional variance on QLIKE, with every metric per fold and horizon",
  sanitizeResources: false,
  async fn() {
    const { frame, returns, sigma } = garchSeries(3000, 22);
    const horizons = [1, 2, 3, 4, 5];
    const folds = makeFolds(frame.ts[0], frame.ts[frame.ts.length - 1], { k: 3, step: DAY });
    const pool = new XgbPool(2);
    try {
      const vol = await evaluateVolatility({
        frame,
        returns,
        sigma,
        horizons,
        folds,
        step: DAY,
        tf: "1d",
        lambda: 0.94,
        pool,
        seed: 42,
      });
      assert.deepEqual(vol.map((v) => v.model), [...VOL_MODELS]);
      const by = Object.fromEntries(vol.map((v) => [v.model, v]));
      assert.deepEqual(by["vol:xgboost"].horizons, [1, 3, 5]);
      assert.deepEqual([...new Set(by["vol:xgboost"].points.map((p) => p.h))].sort(), [1, 3, 5]);
      for (const v of vol) {
        for (const h of v.horizons) {
          for (const f of folds) {
            for (
              const m of [
                "n",
                "qlike",
                "qlike_raw",
                "mse_var",
                "rmse_vol",
                "qlike_vs_ewma",
                "var_scale",
              ]
            ) {
              assert.ok(
                v.rows.some((r) => r.fold === f.fold && r.horizon === h && r.metric === m),
                `${v.model} has ${m} at fold ${f.fold}, h ${h}`,
              );
            }
          }
        }
        assert.ok(v.points.every((p) => p.y > 0 && p.yhat > 0 && p.scale > 0));
      }
      for (const r of by["vol:ewma"].rows.filter((r) => r.metric === "qlike_vs_ewma")) {
        assert.equal(r.value, 1);
      }
      const s = Object.fromEntries(volSummaries(vol).map((x) => [x.model, x]));
      console.log(
        Object.values(s).map((x) =>
          `${x.model} QLIKE ${x.qlike.toFixed(4)} (raw ${x.qlikeRaw.toFixed(4)})`
        )
          .join("; "),
      );
      // GARCH volatility is forecastable: the conditional models beat the constant.
      assert.ok(
        s["vol:ewma"].qlikeVsUnconditional < 0.95,
        `EWMA ${s["vol:ewma"].qlikeVsUnconditional}`,
      );
      assert.ok(
        s["vol:har"].qlikeVsUnconditional < 0.95,
        `HAR ${s["vol:har"].qlikeVsUnconditional}`,
      );
      assert.ok(
        s["vol:xgboost"].qlikeVsUnconditional < 1,
        `XGBoost ${s["vol:xgboost"].qlikeVsUnconditional}`,
      );
      // HAR estimates the mean of realized volatility: calibrating its variance helps.
      assert.ok(s["vol:har"].qlike < s["vol:har"].qlikeRaw);
    } finally {
      pool.close();
    }
  },
});

Deno.test({
  name:
    "evaluateVolatility() has no look-ahead: changing returns after a date changes no forecast made before it",
  sanitizeResources: false,
  async fn() {
    const cut = 1300;
    const pool = new XgbPool(2);
    try {
      const run = async (shockFrom: number) => {
        const { frame, returns, sigma } = garchSeries(1500, 5, shockFrom);
        const folds = makeFolds(frame.ts[0], frame.ts[frame.ts.length - 1], { k: 3, step: DAY });
        const vol = await evaluateVolatility({
          frame,
          returns,
          sigma,
          horizons: [1, 3],
          folds,
          step: DAY,
          tf: "1d",
          lambda: 0.94,
          pool,
          seed: 42,
        });
        return vol.map((v) =>
          v.points.filter((p) => p.origin < cut).map((p) => [v.model, p.origin, p.h, p.yhat])
        );
      };
      const a = await run(Infinity), b = await run(cut + 1);
      assert.ok(a.flat().length > 1000);
      assert.deepEqual(b, a);
    } finally {
      pool.close();
    }
  },
});

Deno.test("scoreVolatility() takes ratios on the same origins and refuses different ones", () => {
  const pt = (origin: number, y: number, yhat: number): VolPoint => ({
    fold: 0,
    origin,
    h: 1,
    y,
    yhat,
    raw: yhat,
    scale: 1,
  });
  const ewma = [pt(1, 0.02, 0.01), pt(2, 0.01, 0.01)];
  const model = [pt(1, 0.02, 0.02), pt(2, 0.01, 0.02)];
  const rows = scoreVolatility(model, { ewma, unconditional: ewma });
  const v = (m: string) =>
    rows.find((r) => r.fold === 0 && r.horizon === 1 && r.metric === m)!.value;
  const qModel = (0.25 + Math.log(4) - 1) / 2, qEwma = (3 - Math.log(4)) / 2;
  assert.ok(Math.abs(v("qlike") - qModel) < 1e-12);
  assert.ok(Math.abs(v("qlike_vs_ewma") - qModel / qEwma) < 1e-12);
  assert.ok(Math.abs(v("rmse_vol") - Math.sqrt(0.01 ** 2 / 2)) < 1e-15);
  assert.equal(
    rows.find((r) => r.fold === null && r.horizon === null && r.metric === "n")!.value,
    2,
  );
  assert.throws(
    () => scoreVolatility([pt(3, 0.02, 0.02), pt(2, 0.01, 0.02)], { ewma, unconditional: ewma }),
    /different origins/,
  );
});
