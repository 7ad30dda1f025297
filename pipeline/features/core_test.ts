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
