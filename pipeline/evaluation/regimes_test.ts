import assert from "node:assert/strict";
import type { XgbPool } from "../models/pool.ts";
import { DEFAULT_XGB_PARAMS } from "../models/booster.ts";
import { makeFolds } from "./folds.ts";
import { regimeOf, regimeRows, tercileThresholds } from "./regimes.ts";
import { forwardLogReturns } from "./targets.ts";
import { type BacktestPoint, walkForward } from "./walkforward.ts";

/** A deterministic standard normal stream. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

Deno.test("tercileThresholds() are the 1/3 and 2/3 quantiles of the finite volatilities", () => {
  assert.deepEqual(tercileThresholds([7, 1, 4, 2, 6, 3, 5]), [3, 5]);
  assert.deepEqual(tercileThresholds([1, 2, 3, NaN, 4, 5, 6, 7, Infinity]), [3, 5]);
  assert.equal(regimeOf(3, [3, 5]), "low");
  assert.equal(regimeOf(4, [3, 5]), "mid");
  assert.equal(regimeOf(5.5, [3, 5]), "high");
  assert.throws(() => tercileThresholds([NaN]), /No finite volatility/);
});

const half = (w: number) => ({ 0.5: w / 2, 0.8: w, 0.95: 2 * w });
const pt = (fold: number, origin: number, y: number, h = 1): BacktestPoint => ({
  fold,
  origin,
  h,
  y,
  yhat: 0,
  half: half(0.1),
});

Deno.test("regimeRows() counts coverage and width per regime as computed by hand", () => {
  // The test origins 6..11 have σ 1, 1, 3, 3, 9, 9 → terciles at 2.33 and 3.67 (what came
  // before the test block, σ 100, plays no part).
  const ts = Array.from({ length: 12 }, (_, i) => i);
  const sigma = [100, 100, 100, 100, 100, 100, 1, 1, 3, 3, 9, 9];
  const folds = [{ fold: 0, testStart: 6, testEnd: 12 }];
  // low: origins 6, 7 (y 0.02 in all three intervals; y 0.07 only in the 80% and 95%);
  // mid: 8, 9 (0.25 outside all; 0.15 in the 95% only); high: 10, 11 (both inside the 80%).
  const points = [
    pt(0, 6, 0.02),
    pt(0, 7, 0.07),
    pt(0, 8, 0.25),
    pt(0, 9, -0.15),
    pt(0, 10, 0),
    pt(0, 11, -0.1),
  ];
  const rows = regimeRows(points, { sigma, ts, folds });
  const v = (m: string) =>
    rows.find((r) => r.fold === 0 && r.horizon === 1 && r.metric === m)!.value;
  assert.equal(v("n_vol_low"), 2);
  assert.equal(v("n_vol_mid"), 2);
  assert.equal(v("n_vol_high"), 2);
  assert.equal(v("coverage_50_vol_low"), 0.5);
  assert.equal(v("coverage_80_vol_low"), 1);
  assert.equal(v("coverage_80_vol_mid"), 0);
  assert.equal(v("coverage_95_vol_mid"), 0.5);
  assert.equal(v("coverage_80_vol_high"), 1);
  const w80 = Math.exp(0.1) - Math.exp(-0.1);
  assert.ok(Math.abs(v("width_80_vol_mid") - w80) < 1e-15);
  assert.ok(Math.abs(v("width_95") - (Math.exp(0.2) - Math.exp(-0.2))) < 1e-15);
  // Pooled per horizon and overall rows exist too.
  assert.ok(
    rows.some((r) => r.fold === null && r.horizon === 1 && r.metric === "coverage_80_vol_low"),
  );
  assert.equal(
    rows.find((r) => r.fold === null && r.horizon === null && r.metric === "coverage_80_vol_mid")!
      .value,
    0,
  );
  // Without folds and timestamps, the same rows.
  assert.deepEqual(regimeRows(points, { sigma }), rows);
});

Deno.test("regimeRows() splits each horizon's test origins into terciles pooled over folds, however calm the last block", () => {
  // Fold 0 is wild (σ 10..19), fold 1 calm (σ 1..10). Thresholds fitted on the history before
  // each block would put nearly all of fold 1 in `low`; pooled terciles give 6 / 7 / 7.
  const sigma = [
    ...Array.from({ length: 10 }, (_, i) => 10 + i),
    ...Array.from({ length: 10 }, (_, i) => 1 + i),
  ];
  const ts = sigma.map((_, i) => i);
  const folds = [{ fold: 0, testStart: 0, testEnd: 10 }, { fold: 1, testStart: 10, testEnd: 20 }];
  const points = [1, 2].flatMap((h) => sigma.map((_, i) => pt(i < 10 ? 0 : 1, i, 0, h)))
    // The last origin of each block has no target two steps ahead.
    .filter((p) => !(p.h === 2 && (p.origin === 9 || p.origin === 19)));
  const rows = regimeRows(points, { sigma, ts, folds });
  const v = (m: string, h: number | null, fold: number | null = null) =>
    rows.find((r) => r.fold === fold && r.horizon === h && r.metric === m)!.value;
  assert.deepEqual(["low", "mid", "high"].map((r) => v(`n_vol_${r}`, 1)), [7, 6, 7]);
  assert.deepEqual(["low", "mid", "high"].map((r) => v(`n_vol_${r}`, 2)), [6, 6, 6]);
  // Per fold, with the same thresholds: the calm block is mostly `low`, the wild one `high`.
  assert.deepEqual(["low", "mid", "high"].map((r) => v(`n_vol_${r}`, 1, 1)), [7, 3, 0]);
  assert.deepEqual(["low", "mid", "high"].map((r) => v(`n_vol_${r}`, 1, 0)), [0, 3, 7]);
  // A point outside its fold's test block, or in an unknown fold, is refused.
  assert.throws(
    () => regimeRows([pt(1, 3, 0)], { sigma, ts, folds }),
    /outside fold 1's test block/,
  );
  assert.throws(() => regimeRows([pt(5, 3, 0)], { sigma, ts, folds }), /unknown fold 5/);
  assert.throws(() => regimeRows([pt(0, 3, 0)], { sigma: [NaN, NaN, NaN, NaN] }), /is NaN/);
});

Deno.test("80% conformal intervals scaled by a known volatility cover about 80% in every volatility regime", async () => {
  // Returns whose volatility swings over a 300-candle cycle (known σ at each origin):
  // r[i+1] = σ[i]·z. Intervals scaled by σ cover ~80% in calm and wild regimes alike;
  // unscaled intervals (a constant σ) would not, and the regime metrics must show it.
  const z = normals(11);
  const n = 12000, step = 3_600_000;
  const sigma = Array.from(
    { length: n },
    (_, i) => 0.01 * Math.exp(0.8 * Math.sin((2 * Math.PI * i) / 300)),
  );
  const ts = Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * step);
  const close = [100];
  for (let i = 1; i < n; i++) close.push(close[i - 1] * Math.exp(sigma[i - 1] * z()));
  const frame = { ts, close, x: close.map(() => [0]), signals: [] };
  const horizons = [1, 3];
  const targets = new Map(horizons.map((h) => [h, forwardLogReturns(ts, close, h, step)]));
  const folds = makeFolds(ts[0], ts[n - 1], { k: 3, step });
  const setup = {
    frame,
    targets,
    horizons,
    folds,
    step,
    pool: {} as XgbPool,
    params: DEFAULT_XGB_PARAMS,
  };
  const coverage = async (s: number[]) => {
    const { points } = await walkForward("naive", { ...setup, sigma: s });
    const rows = regimeRows(points, { sigma, ts, folds });
    return (metric: string, h: number | null = 1) =>
      rows.find((r) => r.fold === null && r.horizon === h && r.metric === metric)!.value;
  };
  const scaled = await coverage(sigma);
  for (const h of horizons) {
    for (const r of ["low", "mid", "high"]) {
      assert.ok(
        scaled(`n_vol_${r}`, h) > 1000,
        `${r} regime has ${scaled(`n_vol_${r}`, h)} origins`,
      );
      for (const [l, tol] of [[80, 0.04], [50, 0.05], [95, 0.025]]) {
        const c = scaled(`coverage_${l}_vol_${r}`, h);
        assert.ok(Math.abs(c - l / 100) < tol, `h=${h} ${l}% coverage in ${r} volatility: ${c}`);
      }
    }
    // Wider intervals when volatility is high.
    assert.ok(scaled("width_80_vol_high", h) > 2 * scaled("width_80_vol_low", h));
  }
  const flat = await coverage(sigma.map(() => 0.01));
  assert.ok(flat("coverage_80_vol_high") < 0.7, `unscaled, high: ${flat("coverage_80_vol_high")}`);
  assert.ok(flat("coverage_80_vol_low") > 0.9, `unscaled, low: ${flat("coverage_80_vol_low")}`);
});
