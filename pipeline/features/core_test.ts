import assert from "node:assert/strict";
import { openWarehouse } from "../../warehouse/db.ts";
import { ingestSample } from "../../loaders/sample/mod.ts";
import { FEATURE_COLUMNS, featureSetHash, loadFeatures } from "./core.ts";

const NOW = Date.UTC(2025, 5, 1, 12, 30);

Deno.test("loadFeatures() is causal: changing candles after a date changes no feature before it", async () => {
  const wh = await openWarehouse(":memory:");
  await ingestSample(wh, {
    now: NOW,
    days: 40,
    symbols: ["BTC/USDT", "ETH/USDT"],
    timeframes: ["1h"],
  });
  const key = { exchange: "sample", symbol: "ETH/USDT", timeframe: "1h" as const };
  const before = await loadFeatures(wh, key);
  const cut = before.ts[Math.floor(before.ts.length * 0.6)];
  // Rewrite the future of both ETH and BTC (BTC feeds ETH's cross-asset features).
  await wh.run(
    `UPDATE ohlcv SET close = close * 1.5, high = high * 1.5, open = open * 0.7, low = low * 0.7, volume = volume * 9
     WHERE ts > epoch_ms(?::BIGINT)`,
    [cut],
  );
  const after = await loadFeatures(wh, key);
  let compared = 0;
  for (let i = 0; i < before.ts.length && before.ts[i] <= cut; i++) {
    assert.equal(after.ts[i], before.ts[i]);
    assert.deepEqual(
      after.x[i],
      before.x[i],
      `features at ${new Date(before.ts[i]).toISOString()} changed`,
    );
    compared++;
  }
  assert.ok(compared > 200, `compared ${compared} rows`);
  // …and the future did change, so the test can fail.
  const j = before.ts.findIndex((t) => t > cut) + 30;
  assert.notDeepEqual(after.x[j], before.x[j]);
  wh.close();
});

Deno.test("loadFeatures() returns one finite row per candle after warm-up, columns in order", async () => {
  const wh = await openWarehouse(":memory:");
  await ingestSample(wh, { now: NOW, days: 30, symbols: ["BTC/USDT"], timeframes: ["1h"] });
  const f = await loadFeatures(wh, { exchange: "sample", symbol: "BTC/USDT", timeframe: "1h" });
  const n = (await wh.one<{ n: number }>("SELECT count(*) AS n FROM ohlcv"))!.n;
  assert.equal(f.ts.length, n - 168);
  assert.ok(f.x.every((r) => r.length === FEATURE_COLUMNS.length && r.every(Number.isFinite)));
  assert.ok(f.ts.every((t, i) => i === 0 || t > f.ts[i - 1]));
  wh.close();
});

Deno.test("featureSetHash() differs per timeframe and is stable", async () => {
  assert.equal(await featureSetHash("1h"), await featureSetHash("1h"));
  assert.notEqual(await featureSetHash("1h"), await featureSetHash("1d"));
});

Deno.test("MACD, Bollinger %b and ATR match their textbook definitions computed in plain code", async () => {
  const wh = await openWarehouse(":memory:");
  await ingestSample(wh, { now: NOW, days: 30, symbols: ["BTC/USDT"], timeframes: ["1h"] });
  const f = await loadFeatures(wh, { exchange: "sample", symbol: "BTC/USDT", timeframe: "1h" });
  const c = await wh.columns(
    "SELECT epoch_ms(ts)::DOUBLE AS t, high, low, close FROM ohlcv ORDER BY ts",
  );
  const [t, high, low, close] = [c.t, c.high, c.low, c.close] as number[][];
  // EMAs over the whole history (started at the first close), as a trader's chart does.
  const ema = (xs: number[], n: number) => {
    const a = 2 / (n + 1), out: number[] = [];
    xs.forEach((x, i) => out.push(i === 0 ? x : out[i - 1] * (1 - a) + x * a));
    return out;
  };
  const e12 = ema(close, 12), e26 = ema(close, 26);
  const macd = close.map((p, i) => (e12[i] - e26[i]) / p);
  const signal = ema(macd, 9);
  const col = (name: string) => FEATURE_COLUMNS.indexOf(name as (typeof FEATURE_COLUMNS)[number]);
  let checked = 0;
  for (let k = 0; k < f.ts.length; k += 37) {
    const i = t.indexOf(f.ts[k]);
    const row = f.x[k];
    assert.ok(
      Math.abs(row[col("macd")] - macd[i]) < 1e-6,
      `macd at ${i}: ${row[col("macd")]} vs ${macd[i]}`,
    );
    assert.ok(Math.abs(row[col("macd_hist")] - (macd[i] - signal[i])) < 1e-6, `macd_hist at ${i}`);
    const w = close.slice(i - 19, i + 1);
    const mean = w.reduce((s, x) => s + x, 0) / 20;
    const sd = Math.sqrt(w.reduce((s, x) => s + (x - mean) ** 2, 0) / 19);
    const pctB = (close[i] - (mean - 2 * sd)) / (4 * sd);
    assert.ok(Math.abs(row[col("bb_b")] - pctB) < 1e-9, `bb_b at ${i}`);
    let tr = 0;
    for (let j = i - 13; j <= i; j++) {
      tr += Math.max(
        high[j] - low[j],
        Math.abs(high[j] - close[j - 1]),
        Math.abs(low[j] - close[j - 1]),
      );
    }
    assert.ok(Math.abs(row[col("atr")] - tr / 14 / close[i]) < 1e-12, `atr at ${i}`);
    checked++;
  }
  assert.ok(checked > 10);
  wh.close();
});
