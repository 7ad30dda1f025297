import assert from "node:assert/strict";
import { generateSample, SAMPLE_EPOCH, SAMPLE_SYMBOLS } from "./generator.ts";
import { resample } from "../../core/candles.ts";

const DAY = 86_400_000;
const END = Date.UTC(2025, 6, 1);

function logReturns(closes: number[]): number[] {
  return closes.slice(1).map((c, i) => Math.log(c / closes[i]));
}
function kurtosis(r: number[]): number {
  const m = r.reduce((a, b) => a + b, 0) / r.length;
  const v = r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length;
  return r.reduce((a, b) => a + (b - m) ** 4, 0) / r.length / v ** 2;
}
function corr(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  const ma = a.slice(0, n).reduce((x, y) => x + y, 0) / n,
    mb = b.slice(0, n).reduce((x, y) => x + y, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

const year = generateSample({ start: END - 365 * DAY, end: END });
const hourly = (s: string) => year.find((x) => x.symbol === s && x.timeframe === "1h")!.candles;

Deno.test("generateSample() gives a candle the same values whatever window or day it is generated on", () => {
  const a = generateSample({ start: END - 10 * DAY, end: END, symbols: ["ETH/USDT"] });
  const b = generateSample({ start: END - 40 * DAY, end: END + 30 * DAY, symbols: ["ETH/USDT"] });
  for (const tf of ["1h", "1d"]) {
    const ca = a.find((s) => s.timeframe === tf)!.candles;
    const cb = new Map(b.find((s) => s.timeframe === tf)!.candles.map((c) => [c.ts, c]));
    assert.ok(ca.length > 5);
    for (const c of ca) assert.deepEqual(cb.get(c.ts), c);
  }
});

Deno.test("generateSample() covers every sample symbol in 1h and 1d, starting no earlier than its epoch", () => {
  assert.deepEqual(new Set(year.map((s) => s.symbol)), new Set(SAMPLE_SYMBOLS));
  for (const s of year) {
    assert.ok(s.candles[0].ts >= SAMPLE_EPOCH);
    assert.ok(s.candles.at(-1)!.ts < END);
  }
});

Deno.test("generateSample() daily candles aggregate the hourly ones", () => {
  const h = hourly("BTC/USDT");
  const d = year.find((x) => x.symbol === "BTC/USDT" && x.timeframe === "1d")!.candles;
  const agg = resample(h, "1d", { until: END });
  assert.deepEqual(d, agg.filter((c) => c.ts >= d[0].ts));
});

Deno.test("generateSample() returns are fat-tailed and volatility clusters", () => {
  for (const s of SAMPLE_SYMBOLS) {
    const r = logReturns(hourly(s).map((c) => c.close));
    assert.ok(kurtosis(r) > 4, `${s} hourly kurtosis ${kurtosis(r)} should exceed a normal's 3`);
    const a = r.map(Math.abs);
    const acf1 = corr(a.slice(1), a.slice(0, -1));
    assert.ok(acf1 > 0.05, `${s} autocorrelation of |r| ${acf1} shows no clustering`);
    const rr = corr(r.slice(1), r.slice(0, -1));
    assert.ok(Math.abs(rr) < 0.05, `${s} returns should be nearly uncorrelated, got ${rr}`);
  }
});

Deno.test("generateSample() assets move together and volume rises with volatility", () => {
  const btc = hourly("BTC/USDT"), eth = hourly("ETH/USDT");
  const ethBy = new Map(eth.map((c) => [c.ts, c]));
  const pairs = btc.slice(1).flatMap((c, i) => {
    const e = ethBy.get(c.ts), e0 = ethBy.get(btc[i].ts);
    return e && e0 ? [[Math.log(c.close / btc[i].close), Math.log(e.close / e0.close)]] : [];
  });
  const rho = corr(pairs.map((p) => p[0]), pairs.map((p) => p[1]));
  assert.ok(rho > 0.4 && rho < 0.95, `BTC/ETH correlation ${rho}`);
  const range = btc.map((c) => Math.log(c.high / c.low));
  const vol = btc.map((c) => Math.log(c.volume));
  assert.ok(corr(range, vol) > 0.2, "volume should rise with the candle's range");
});

Deno.test("generateSample() leaves a few candles missing, and every candle is a valid OHLC", () => {
  for (const s of year.filter((x) => x.timeframe === "1h")) {
    const gaps = s.candles.slice(1).filter((c, i) => c.ts - s.candles[i].ts > 3_600_000).length;
    assert.ok(gaps >= 1 && gaps < 40, `${s.symbol}: ${gaps} gaps in a year`);
    for (const c of s.candles) {
      assert.ok(
        c.high >= Math.max(c.open, c.close) && c.low <= Math.min(c.open, c.close) && c.low > 0,
      );
      assert.ok(c.volume > 0);
    }
  }
});

Deno.test("generateSample() refuses a symbol it does not have", () => {
  assert.throws(
    () => generateSample({ start: 0, end: END, symbols: ["DOGE/USDT"] }),
    /no symbol "DOGE\/USDT"/,
  );
});
