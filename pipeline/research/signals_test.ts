import assert from "node:assert/strict";
import { makeFolds } from "../evaluation/folds.ts";
import { judgeSignal, signalKind } from "./signals.ts";

const HOUR = 3_600_000;

/** A seeded PRNG (mulberry32) and standard normals from it. */
function rng(seed: number) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(u() || 1e-12)) * Math.cos(2 * Math.PI * u());
  return { u, normal };
}

function setup(n = 3000) {
  const ts = Array.from({ length: n }, (_, i) => i * HOUR);
  const folds = makeFolds(ts[0], ts[n - 1], { k: 4, step: HOUR });
  return { ts, folds };
}

const metric = (
  rows: { fold: number | null; metric: string; value: number }[],
  m: string,
  fold: number | null = null,
) => rows.find((r) => r.fold === fold && r.metric === m)?.value ?? NaN;

Deno.test("judgeSignal() on a tiny case: hit rate of the signs, buckets, only test-block origins", () => {
  const ts = [0, 1, 2, 3, 4, 5].map((i) => i * HOUR);
  const folds = [{ fold: 0, testStart: 2 * HOUR, testEnd: 6 * HOUR }];
  const j = judgeSignal({
    spec: { source: "token-metrics", name: "trading_signal" },
    ts,
    values: [1, 1, 1, 1, -1, 0],
    y: [0.5, 0.5, 0.1, -0.1, -0.2, NaN],
    folds,
  });
  assert.equal(j.kind, "directional");
  const r = j.rows;
  assert.equal(metric(r, "n"), 3, "origins 2..4: the last has no next return");
  assert.equal(metric(r, "hit_n"), 3);
  assert.equal(metric(r, "hit_rate"), 2 / 3);
  assert.equal(metric(r, "n:long"), 2);
  assert.ok(Math.abs(metric(r, "mean_ret:long") - 0) < 1e-12);
  assert.equal(metric(r, "mean_ret:short"), -0.2);
  // up-rate 1/3; two longs and a short: (2·1/3 + 1·2/3) / 3
  assert.ok(Math.abs(metric(r, "hit_rate_null") - 4 / 9) < 1e-12);
  assert.equal(metric(r, "n", 0), 3, "per fold too");
  assert.ok(r.every((x) => x.horizon === 1));
});

Deno.test("judgeSignal() finds information in a signal right 60% of the time, and none in a coin flip", () => {
  const { ts, folds } = setup();
  const g = rng(7);
  const y = ts.map(() => 0.01 * g.normal());
  const good = y.map((v) => (g.u() < 0.6 ? Math.sign(v) : -Math.sign(v)));
  const coin = y.map(() => (g.u() < 0.5 ? 1 : -1));
  const spec = { source: "tm", name: "trading_signal" };
  const a = judgeSignal({ spec, ts, values: good, y, folds });
  const b = judgeSignal({ spec, ts, values: coin, y, folds });
  assert.ok(a.informative && a.p < 0.001, a.headline);
  assert.ok(metric(a.rows, "hit_rate_lo") > metric(a.rows, "hit_rate_null"));
  const [lo, hi, nul] = ["hit_rate_lo", "hit_rate_hi", "hit_rate_null"].map((m) =>
    metric(b.rows, m)
  );
  assert.ok(lo < nul && nul < hi, b.headline);
  assert.equal(
    metric(a.rows, "n"),
    folds.reduce((s, f) => s + (f.testEnd - f.testStart) / HOUR, 0),
  );
  assert.match(a.headline, /carried information/);
});

Deno.test("judgeSignal() reads a Fear & Greed index by its classes and tests them", () => {
  const { ts, folds } = setup();
  const g = rng(11);
  const values = ts.map(() => Math.round(100 * g.u()));
  // Extreme fear is followed by rebounds: a contrarian effect.
  const y = values.map((v) => 0.01 * g.normal() + (v < 25 ? 0.004 : 0));
  const j = judgeSignal({ spec: { source: "fear-greed", name: "value" }, ts, values, y, folds });
  assert.equal(j.kind, "fear_greed");
  const n = ["extreme_fear", "fear", "neutral", "greed", "extreme_greed"].map((b) =>
    metric(j.rows, `n:${b}`)
  );
  assert.equal(n.reduce((s, x) => s + x, 0), metric(j.rows, "n"));
  assert.ok(metric(j.rows, "mean_ret_lo:extreme_fear") > 0, "the effect's interval excludes 0");
  assert.ok(metric(j.rows, "anova_p") < 0.01 && j.informative);
  assert.ok(metric(j.rows, "ic") < 0, "higher greed, lower next returns here");
});

Deno.test("judgeSignal() splits a continuous signal at the median seen before each test block (causal)", () => {
  const { ts, folds } = setup();
  const firstTest = folds[0].testStart;
  // Before the tests the signal lives in [0, 1]; during them in [10, 11]: all "high".
  const values = ts.map((t, i) => (t < firstTest ? (i % 100) / 100 : 10 + (i % 100) / 100));
  const y = ts.map((_, i) => (i % 3 - 1) * 0.001);
  const j = judgeSignal({ spec: { source: "x", name: "score" }, ts, values, y, folds });
  assert.equal(j.kind, "continuous");
  assert.equal(metric(j.rows, "n:low", 0), 0, "the first block's threshold comes from before it");
  assert.equal(metric(j.rows, "n:high", 0), metric(j.rows, "n", 0));
});

Deno.test("judgeSignal(): unknown values are left out and counted in coverage", () => {
  const { ts, folds } = setup(1000);
  const values = ts.map((_, i) => (i % 4 === 0 ? null : i % 2 ? 1 : -1));
  const y = ts.map((_, i) => Math.sin(i));
  const j = judgeSignal({ spec: { source: "s", name: "trading_signal" }, ts, values, y, folds });
  assert.ok(Math.abs(metric(j.rows, "coverage") - 0.75) < 0.01);
  assert.equal(signalKind({ source: "s", name: "v" }, [null, 1, 0.5]), "continuous");
  assert.equal(signalKind({ source: "sample-fear-greed", name: "value" }, [40, 60]), "fear_greed");
});
