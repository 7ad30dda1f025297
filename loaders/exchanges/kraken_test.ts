import assert from "node:assert/strict";
import { openWarehouse } from "../../warehouse/db.ts";
import { ingestExchange } from "./mod.ts";
import { startFakeKraken } from "./testdata/fake_kraken.ts";

const H = 3_600_000;
const NOW = Date.UTC(2025, 0, 10, 5, 30);
const LAST_CLOSED = Date.UTC(2025, 0, 10, 4);

Deno.test("ingestExchange() reads Kraken's OHLC shape, retrying a rate limit told in the body", async () => {
  const fake = startFakeKraken({ now: NOW, rateLimitAt: 1 });
  const wh = await openWarehouse(":memory:");
  try {
    const r = await ingestExchange(wh, {
      exchange: "kraken",
      symbols: ["BTC/USD"],
      timeframes: ["1h"],
      since: LAST_CLOSED - 99 * H,
      now: NOW,
      baseUrl: fake.url,
      retry: { sleep: () => Promise.resolve() },
    });
    assert.equal(r.rows_loaded, 100);
    assert.equal(r.retries, 1, "EAPI:Rate limit exceeded (HTTP 200) is a DDoSProtection: retried");
    const ohlc = fake.requests.filter((q) => q.path === "/0/public/OHLC");
    assert.equal(ohlc.length, 2);
    assert.equal(ohlc[1].params.pair, "XXBTZUSD");
    assert.equal(ohlc[1].params.interval, "60");
    const hi = await wh.one<{ hi: number }>("SELECT epoch_ms(max(ts)) AS hi FROM ohlcv");
    assert.equal(Number(hi!.hi), LAST_CLOSED, "Kraken's open candle is dropped");

    // Kraken keeps only the last 720 candles: an older start is not a gap.
    const older = await ingestExchange(wh, {
      exchange: "kraken",
      symbols: ["ETH/USD"],
      timeframes: ["1h"],
      since: LAST_CLOSED - 2000 * H,
      now: NOW,
      baseUrl: fake.url,
    });
    assert.equal(older.rows_loaded, 719);
    assert.equal(older.gapsRefetched, 0);
  } finally {
    wh.close();
    await fake.close();
  }
});
