import assert from "node:assert/strict";
import { openWarehouse, tsParam, type Warehouse } from "../../warehouse/db.ts";
import { ingestSample } from "../../loaders/sample/mod.ts";
import { dataFingerprint } from "./fingerprint.ts";

const NOW = Date.UTC(2025, 5, 1, 12, 30);
const DAY = 86_400_000;
const ETH = { exchange: "testex", symbol: "ETH/USDT", timeframe: "1d" as const };
const BTC = { ...ETH, symbol: "BTC/USDT" };
const SPECS = [{ source: "ext", name: "x" }];

/** 60 daily ETH and BTC candles, and a daily market-wide signal published the next day. */
async function market(): Promise<{ wh: Warehouse; first: number; last: number }> {
  const wh = await openWarehouse(":memory:");
  await ingestSample(wh, {
    now: NOW,
    days: 60,
    symbols: ["BTC/USDT", "ETH/USDT"],
    timeframes: ["1d"],
  });
  await wh.run("UPDATE ohlcv SET exchange = 'testex'");
  const span = (await wh.one<{ a: string; b: string }>(
    "SELECT min(ts) AS a, max(ts) AS b FROM ohlcv WHERE symbol = 'ETH/USDT'",
  ))!;
  const first = Date.parse(span.a), last = Date.parse(span.b);
  for (let t = first; t <= last; t += DAY) await signal(wh, null, t, (t - first) / DAY);
  return { wh, first, last };
}

async function signal(wh: Warehouse, symbol: string | null, ts: number, value: number) {
  await wh.run(
    `INSERT INTO signals (source, symbol, ts, name, value, available_at, raw)
     VALUES ('ext', ?, ?, 'x', ?, ?, '{}')`,
    [symbol, tsParam(ts), value, tsParam(ts + DAY)],
  );
}

Deno.test("dataFingerprint() is the same for the same data, in another warehouse too", async () => {
  const a = await market(), b = await market();
  try {
    const fa = await dataFingerprint(a.wh, ETH, { signals: SPECS });
    assert.deepEqual(await dataFingerprint(a.wh, ETH, { signals: SPECS }), fa);
    assert.deepEqual(await dataFingerprint(b.wh, ETH, { signals: SPECS }), fa);
    assert.match(fa.hash, /^\d+:[0-9a-f]{16}$/);
    const n = (await a.wh.one<{ n: number }>(
      "SELECT count(*)::INTEGER AS n FROM ohlcv WHERE symbol = 'ETH/USDT'",
    ))!.n;
    assert.equal(fa.hash.split(":")[0], String(n));
    assert.equal(fa.start, a.first);
    assert.equal(fa.end, a.last);
    // The signals are part of it only when the features use them.
    assert.notEqual((await dataFingerprint(a.wh, ETH)).hash, fa.hash);
  } finally {
    a.wh.close();
    b.wh.close();
  }
});

Deno.test("dataFingerprint() of ETH changes with a BTC candle in its window, not with one after it", async () => {
  const { wh, first, last } = await market();
  try {
    const before = await dataFingerprint(wh, ETH);
    const btcBefore = await dataFingerprint(wh, BTC);
    await wh.run(
      "UPDATE ohlcv SET close = close * 1.001 WHERE symbol = 'BTC/USDT' AND ts = ?",
      [tsParam(first + 20 * DAY)],
    );
    const after = await dataFingerprint(wh, ETH);
    assert.notEqual(after.hash, before.hash);
    assert.equal(after.start, before.start);
    assert.equal(after.end, before.end);
    // BTC's own fingerprint has no ETH input.
    await wh.run(
      "UPDATE ohlcv SET close = close * 1.001 WHERE symbol = 'ETH/USDT' AND ts = ?",
      [tsParam(first + 20 * DAY)],
    );
    assert.notEqual((await dataFingerprint(wh, ETH)).hash, after.hash);
    assert.notEqual((await dataFingerprint(wh, BTC)).hash, btcBefore.hash);
    const btc = (await dataFingerprint(wh, BTC)).hash;
    await wh.run(
      "UPDATE ohlcv SET volume = volume + 1 WHERE symbol = 'ETH/USDT' AND ts = ?",
      [tsParam(last)],
    );
    assert.equal((await dataFingerprint(wh, BTC)).hash, btc);
    // A BTC candle after ETH's last one is never joined to ETH's features.
    const eth = (await dataFingerprint(wh, ETH)).hash;
    await wh.run(
      `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume)
       VALUES ('testex', 'BTC/USDT', '1d', ?, 100, 101, 99, 100, 5)`,
      [tsParam(last + DAY)],
    );
    assert.equal((await dataFingerprint(wh, ETH)).hash, eth);
    assert.notEqual((await dataFingerprint(wh, BTC)).hash, btc);
  } finally {
    wh.close();
  }
});

Deno.test("dataFingerprint() changes with a signal value the features can see, not with one they cannot", async () => {
  const { wh, first, last } = await market();
  try {
    const fp = async () => (await dataFingerprint(wh, ETH, { signals: SPECS })).hash;
    const before = await fp();
    await wh.run(
      "UPDATE signals SET value = value + 0.5 WHERE source = 'ext' AND ts = ?",
      [tsParam(first + 10 * DAY)],
    );
    const changed = await fp();
    assert.notEqual(changed, before);
    // Published after ETH's last candle closed, or about BTC only: not an input of ETH's features.
    await signal(wh, null, last + DAY, 123);
    await signal(wh, "BTC/USDT", first + 5 * DAY, 7);
    assert.equal(await fp(), changed);
    // About ETH: an input.
    await signal(wh, "ETH/USDT", first + 5 * DAY, 7);
    assert.notEqual(await fp(), changed);
  } finally {
    wh.close();
  }
});
