/**
 * Does the synthetic sample look like a real market? Its hourly stylized
 * facts are compared with real Binance BTCUSDT hourly candles (Jan–May 2023).
 */
import assert from "node:assert/strict";
import { REAL_DATA, realFile } from "./mod.ts";
import { generateSample } from "../../loaders/sample/generator.ts";

function stats(closes: number[]) {
  const r = closes.slice(1).map((c, i) => Math.log(c / closes[i]));
  const m = r.reduce((a, b) => a + b, 0) / r.length;
  const v = r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length;
  const kurt = r.reduce((a, b) => a + (b - m) ** 4, 0) / r.length / v ** 2;
  const a = r.map(Math.abs);
  const am = a.reduce((x, y) => x + y, 0) / a.length;
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    den += (a[i] - am) ** 2;
    if (i > 0) num += (a[i] - am) * (a[i - 1] - am);
  }
  return { annVol: Math.sqrt(v * 8760), kurt, acfAbs: num / den };
}

Deno.test({
  name:
    "sample market: hourly fat tails, volatility clustering and volatility in the range of real BTC (Binance 2023)",
  ignore: !REAL_DATA,
  async fn() {
    const closes: number[] = [];
    for (const m of ["01", "02", "03", "04", "05"]) {
      const path = realFile("intabyu__interview-at", `BTCUSDT-1h-2023-${m}.csv`);
      const lines = (await Deno.readTextFile(path)).trim().split("\n").slice(1);
      for (const line of lines) closes.push(Number(line.split(",")[4]));
    }
    assert.equal(closes.length, 3623, "the MANIFEST's row count");
    const real = stats(closes);
    const end = Date.UTC(2025, 0, 1);
    const sample = generateSample({
      start: end - 151 * 86_400_000,
      end,
      symbols: ["BTC/USDT"],
      timeframes: ["1h"],
    });
    const syn = stats(sample[0].candles.map((c) => c.close));
    console.log(
      `real BTC 2023 h1: ${JSON.stringify(real)}\nsample BTC h1:    ${JSON.stringify(syn)}`,
    );
    for (const s of [real, syn]) {
      assert.ok(s.kurt > 4, `kurtosis ${s.kurt}`);
      assert.ok(s.acfAbs > 0.05, `|r| autocorrelation ${s.acfAbs}`);
    }
    assert.ok(
      syn.annVol > real.annVol / 3 && syn.annVol < real.annVol * 3,
      "annualised volatility within a factor 3",
    );
  },
});
