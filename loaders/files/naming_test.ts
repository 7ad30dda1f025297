import assert from "node:assert/strict";
import { normalizeSymbol } from "./symbols.ts";
import { hintsFromName } from "./filename.ts";
import { inferTimeframe, timeframeFromCloseTime } from "./spacing.ts";

Deno.test("normalizeSymbol() splits joined symbols on common quotes and maps XBT to BTC", () => {
  assert.equal(normalizeSymbol("BTCUSDT"), "BTC/USDT");
  assert.equal(normalizeSymbol("ETHBTC"), "ETH/BTC");
  assert.equal(normalizeSymbol("BNBBUSD"), "BNB/BUSD");
  assert.equal(normalizeSymbol("XBTUSD"), "BTC/USD");
  assert.equal(normalizeSymbol("XBTEUR"), "BTC/EUR");
  assert.equal(normalizeSymbol("btc-usd"), "BTC/USD");
  assert.equal(normalizeSymbol("BTC/USDT"), "BTC/USDT");
  assert.equal(normalizeSymbol("ETH"), undefined);
});

Deno.test("hintsFromName() reads symbol, timeframe and exchange from common file names", () => {
  assert.deepEqual(hintsFromName("Binance_BTCUSDT_1h.csv"), {
    exchange: "binance",
    symbol: "BTC/USDT",
    timeframe: "1h",
  });
  assert.deepEqual(hintsFromName("Binance_ETHUSDT_d.csv").timeframe, "1d");
  assert.deepEqual(hintsFromName("BTCUSDT-1h-2023-01.csv"), {
    symbol: "BTC/USDT",
    timeframe: "1h",
  });
  assert.deepEqual(hintsFromName("kraken_XBTUSDT_60.csv"), {
    exchange: "kraken",
    symbol: "BTC/USDT",
    timeframe: "1h",
  });
  assert.deepEqual(hintsFromName("XBTUSD_1440.csv"), { symbol: "BTC/USD", timeframe: "1d" });
  assert.deepEqual(hintsFromName("UNITTEST_BTC-1m.json"), {
    symbol: "UNITTEST/BTC",
    timeframe: "1m",
  });
  assert.deepEqual(hintsFromName("BTC-USD.csv"), { symbol: "BTC/USD" });
  assert.deepEqual(hintsFromName("klines.json"), {});
  assert.deepEqual(hintsFromName("coin_Bitcoin.csv"), {});
});

Deno.test("inferTimeframe() takes the most common spacing, so gaps do not fool it", () => {
  const m = 60_000;
  assert.equal(inferTimeframe([0, m, 2 * m, 9 * m, 10 * m, 30 * m]), "1m");
  assert.equal(inferTimeframe([3 * 86_400_000, 2 * 86_400_000, 86_400_000]), "1d");
  assert.equal(inferTimeframe([0, 7 * m, 14 * m]), undefined);
  assert.equal(inferTimeframe([0]), undefined);
});

Deno.test("timeframeFromCloseTime() reads a kline's length from its ms or µs close time", () => {
  assert.equal(timeframeFromCloseTime(1672531200000, 1672534799999), "1h");
  assert.equal(timeframeFromCloseTime(1735689600000000, 1735775999999999), "1d");
  assert.equal(timeframeFromCloseTime(1679659200000, 1679661581646), undefined);
});
