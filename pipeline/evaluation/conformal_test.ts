import assert from "node:assert/strict";
import type { XgbPool } from "../models/pool.ts";
import { DEFAULT_XGB_PARAMS } from "../models/booster.ts";
import { binOf, calibratedHalfWidths, fitCalibration, halfWidths, MIN_BIN } from "./conformal.ts";
import { makeFolds } from "./folds.ts";
import { regimeRows } from "./regimes.ts";
import { ewmaVolatility, forwardLogReturns } from "./targets.ts";
import { type EvalSetup, walkForward } from "./walkforward.ts";

/** A deterministic uniform stream on (0, 1). */
function uniforms(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
}

/**
 * Hourly candles whose true volatility switches between 0.5%, 1% and 2%
 * (Markov, 1% chance of a switch per candle), with Student-t (3 degrees of
 * freedom, unit variance) innovations. The σ the intervals are scaled by
 * (and regimes are defined by) is an EWMA with λ = 0.8 of those returns: a
 * noisy, over-reactive proxy, as on real markets, where one fat-tailed
 * return lifts it far above the volatility to come.
 */
function heteroscedastic(n: number, seed: number): EvalSetup {
  const u = uniforms(seed);
  const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const studentT3 = () => {
    const chi2 = normal() ** 2 + normal() ** 2 + normal() ** 2;
    return (normal() / Math.sqrt(chi2 / 3)) / Math.sqrt(3);
  };
  const levels = [0.005, 0.01, 0.02];
  const step = 3_600_000;
  const ts = Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * step);
  const close = [100], returns = [0];
  let regime = 1;
  for (let i = 1; i < n; i++) {
    if (u() > 0.99) regime = Math.floor(u() * 3);
    const r = levels[regime] * studentT3();
    returns.push(r);
    close.push(close[i - 1] * Math.exp(r));
  }
  const horizons = [1, 3];
  return {
    frame: { ts, close, x: returns.map((r) => [r]), signals: [] },
    targets: new Map(horizons.map((h) => [h, forwardLogReturns(ts, close, h, step)])),
    sigma: ewmaVolatility(returns, { lambda: 0.8 }),
    horizons,
    folds: makeFolds(ts[0], ts[n - 1], { k: 3, step }),
    step,
    pool: {} as XgbPool,
    params: DEFAULT_XGB_PARAMS,
  };
}

Deno.test("fitCalibration() fits quantiles per σ tercile of the calibration origins, pooled where a bin is small", () => {
  // 90 origins: σ 1..90; scores grow with σ in the calm third only.
  const sigmas = Array.from({ length: 90 }, (_, i) => i + 1);
  const scores = sigmas.map((s) => (s <= 30 ? 2 : 1) * ((s % 10) + 1) / 10);
  const cal = fitCalibration(scores, sigmas);
  const [lo, hi] = cal.bins!.edges;
  assert.ok(Math.abs(lo - (30 + 2 / 3)) < 1e-12 && Math.abs(hi - (60 + 1 / 3)) < 1e-12);
  assert.deepEqual(cal.bins!.n, [30, 30, 30]);
  // Each bin: scores 0.1..1 three times each (×2 in the calm bin); the split-conformal
  // quantile is the ceil(31·0.8)/30 empirical one, at sorted position 24.17: 0.9.
  const q80 = (k: number) => cal.bins!.q[k][0.8];
  assert.ok(Math.abs(q80(1) - 0.9) < 1e-12, `${q80(1)}`);
  assert.ok(Math.abs(q80(0) - 1.8) < 1e-12, `${q80(0)}`);
  assert.equal(q80(2), q80(1));
  // Pooled: 73/90 → position 72.19 of the 90 sorted scores, which is 1.0.
  assert.ok(Math.abs(cal.q[0.8] - 1) < 1e-12, `${cal.q[0.8]}`);
  assert.deepEqual([binOf(30.6, cal.bins!.edges), binOf(31, cal.bins!.edges)], [0, 1]);
  assert.equal(binOf(1e9, cal.bins!.edges), 2);
  // Too few origins per bin: every bin has the pooled quantiles.
  const small = fitCalibration(scores.slice(0, 60), sigmas.slice(0, 60));
  assert.ok(small.bins!.n.every((k) => k < MIN_BIN));
  assert.ok(small.bins!.q.every((q) => JSON.stringify(q) === JSON.stringify(small.q)));
  assert.throws(() => fitCalibration([1], []), /1 scores but 0 sigmas/);
});

Deno.test("calibratedHalfWidths() without bins (artifacts before volatility bins) uses the pooled quantiles", () => {
  // A horizon model as an older artifact stores it: JSON, levels as string keys, no bins.
  const legacy = JSON.parse('{"h":4,"q":{"0.5":0.7,"0.8":1.3,"0.95":2.1}}');
  assert.deepEqual(calibratedHalfWidths(legacy, 0.02, 4), halfWidths(legacy.q, 0.02, 4));
  assert.ok(Math.abs(calibratedHalfWidths(legacy, 0.02, 4)[0.8] - 1.3 * 0.02 * 2) < 1e-15);
  // With bins, σ picks its bin's quantiles.
  const binned = {
    ...legacy,
    bins: { edges: [0.01, 0.03], q: [0.5, 1, 2].map((k) => ({ 0.5: k, 0.8: k, 0.95: k })) },
  };
  assert.equal(calibratedHalfWidths(binned, 0.005, 1)[0.8], 0.5 * 0.005);
  assert.equal(calibratedHalfWidths(binned, 0.02, 1)[0.8], 0.02);
  assert.equal(calibratedHalfWidths(binned, 0.04, 1)[0.8], 2 * 0.04);
});

Deno.test("walkForward() 80% intervals cover about 80% in every volatility tercile when σ is an over-reactive proxy", async () => {
  // With one pooled quantile (minBin: Infinity, the method before bins) the EWMA's overreaction
  // shows: on this series the 80% interval covers 74.7% / 78.7% / 84.8% (h = 1) and
  // 74.8% / 79.0% / 85.2% (h = 3) from calm to wild; with per-tercile quantiles 80.6 / 81.3 /
  // 80.9 and 81.6 / 80.8 / 80.6 (50%: 41.0 / 48.3 / 56.7 pooled, 47.1 / 50.1 / 52.6 binned).
  const setup = heteroscedastic(18000, 1);
  const coverage = async (minBin?: number) => {
    const { points } = await walkForward("naive", { ...setup, minBin });
    const rows = regimeRows(points, { sigma: setup.sigma, ts: setup.frame.ts, folds: setup.folds });
    return (metric: string, h: number) =>
      rows.find((r) => r.fold === null && r.horizon === h && r.metric === metric)!.value;
  };
  const binned = await coverage();
  const pooled = await coverage(Infinity);
  for (const h of setup.horizons) {
    for (const r of ["low", "mid", "high"]) {
      assert.ok(binned(`n_vol_${r}`, h) > 1500, `${r}: ${binned(`n_vol_${r}`, h)} origins`);
      for (const [l, tol] of [[80, 0.03], [50, 0.05], [95, 0.02]]) {
        const c = binned(`coverage_${l}_vol_${r}`, h);
        assert.ok(Math.abs(c - l / 100) < tol, `h=${h} ${l}% coverage, ${r} volatility: ${c}`);
      }
    }
    assert.ok(
      pooled("coverage_80_vol_low", h) < 0.77,
      `pooled, low: ${pooled("coverage_80_vol_low", h)}`,
    );
    assert.ok(
      pooled("coverage_80_vol_high", h) > 0.83,
      `pooled, high: ${pooled("coverage_80_vol_high", h)}`,
    );
    // Still wider when volatility is high, but less so than σ alone would make them.
    const ratio = (c: typeof binned) => c("width_80_vol_high", h) / c("width_80_vol_low", h);
    assert.ok(
      ratio(binned) > 1.5 && ratio(binned) < ratio(pooled),
      `${ratio(binned)} ${ratio(pooled)}`,
    );
  }
});

Deno.test("walkForward() intervals of a fold do not depend on that fold's test outcomes", async () => {
  const setup = heteroscedastic(6000, 2);
  const base = await walkForward("naive", setup);
  // Scramble the outcomes of fold 1's test block (every horizon).
  const f = setup.folds[1];
  const u = uniforms(5);
  const targets = new Map(
    [...setup.targets].map(([h, y]) => [
      h,
      y.map((v, i) => {
        const t = setup.frame.ts[i];
        return t >= f.testStart && t < f.testEnd && Number.isFinite(v) ? (u() - 0.5) * 0.5 : v;
      }),
    ]),
  );
  const changed = await walkForward("naive", { ...setup, targets });
  const halves = (r: typeof base, fold: number) =>
    r.points.filter((p) => p.fold === fold).map((p) => [p.origin, p.h, p.half]);
  assert.deepEqual(halves(changed, 0), halves(base, 0));
  assert.deepEqual(halves(changed, 1), halves(base, 1));
  assert.ok(halves(base, 1).length > 1000);
  // Not vacuous: the next fold calibrates on those outcomes, so its intervals move.
  assert.notDeepEqual(halves(changed, 2), halves(base, 2));
  // The serving model carries its bins, fitted on the folds' test residuals.
  const m = base.serving[0];
  assert.ok(m.bins && m.bins.edges[0] < m.bins.edges[1] && m.bins.n.every((k) => k >= MIN_BIN));
});
