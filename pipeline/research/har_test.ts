import assert from "node:assert/strict";
import { fitOls, harFeatures, harWindows, predictLinear } from "./har.ts";
import { trailingVolatility } from "../evaluation/volatility.ts";

/** A deterministic standard normal stream. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

Deno.test("harWindows() are 1/5/22 days for daily candles and 1/24/168 hours for hourly ones", () => {
  assert.deepEqual(harWindows("1d"), [1, 5, 22]);
  assert.deepEqual(harWindows("1h"), [1, 24, 168]);
});

Deno.test("fitOls() recovers exact coefficients and predicts with them", () => {
  const z = normals(1);
  const x = Array.from({ length: 50 }, () => [z(), z(), z()]);
  const y = x.map(([a, b, c]) => 0.5 + 2 * a - 1 * b + 0.25 * c);
  const { coef } = fitOls(x, y);
  [0.5, 2, -1, 0.25].forEach((b, j) => assert.ok(Math.abs(coef[j] - b) < 1e-9, `coef ${j}`));
  assert.ok(Math.abs(predictLinear({ coef }, [[1, 1, 1]])[0] - 1.75) < 1e-9);
  assert.throws(() => fitOls([[1]], [1]), /at least 2 rows/);
  assert.throws(() => fitOls([[1], [2]], [1]), /differ/);
});

Deno.test("HAR fitted on synthetic volatility with known coefficients recovers them", () => {
  // Returns with slowly varying volatility give the regressors; the target is a known
  // HAR combination of them plus noise.
  const z = normals(3);
  const n = 6000;
  const returns = Array.from({ length: n }, (_, i) => 0.02 * (1.2 + Math.sin(i / 90)) * z());
  const x = harFeatures(returns, harWindows("1d"));
  const truth = [0.002, 0.15, 0.35, 0.4];
  const y = x.map(([v1, v5, v22]) =>
    truth[0] + truth[1] * v1 + truth[2] * v5 + truth[3] * v22 + 0.001 * z()
  );
  const fit = fitOls(x.slice(22), y.slice(22));
  truth.forEach((b, j) => assert.ok(Math.abs(fit.coef[j] - b) < 0.01, `coef ${j}: ${fit.coef[j]}`));
  // Without the noise and with other coefficients, the fit is exact: not a lucky default.
  const y2 = x.map(([v1, v5, v22]) => 0.01 + 0.6 * v1 + 0.1 * v5 + 0.05 * v22);
  const fit2 = fitOls(x.slice(22), y2.slice(22));
  [0.01, 0.6, 0.1, 0.05].forEach((b, j) => assert.ok(Math.abs(fit2.coef[j] - b) < 1e-8));
});

Deno.test("harFeatures() are the trailing volatilities over each window, causal", () => {
  const z = normals(5);
  const returns = Array.from({ length: 300 }, () => 0.01 * z());
  const x = harFeatures(returns, [1, 24, 168]);
  const v24 = trailingVolatility(returns, 24);
  assert.equal(x[200][1], v24[200]);
  assert.ok(Math.abs(x[200][0] - Math.abs(returns[200])) < 1e-15);
  const changed = harFeatures([...returns.slice(0, 250), ...returns.slice(250).map((r) => 5 * r)], [
    1,
    24,
    168,
  ]);
  assert.deepEqual(changed.slice(0, 250), x.slice(0, 250));
});
