import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { FileFormatError, MissingOptionError, parseCandleText, readCandleFile } from "./mod.ts";

const td = (name: string) => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));
const H = 3_600_000, D = 86_400_000, T0 = Date.UTC(2024, 0, 1);

async function one(name: string, options = {}) {
  const r = await readCandleFile(td(name), options);
  assert.equal(r.series.length, 1);
  return { ...r, s: r.series[0] };
}

Deno.test("readCandleFile() reads a current CryptoDataDownload export, newest first", async () => {
  const { format, s, unparsed } = await one("Binance_ETHUSDT_d.csv");
  assert.equal(format, "cryptodatadownload");
  assert.deepEqual([s.exchange, s.symbol, s.timeframe], ["binance", "ETH/USDT", "1d"]);
  assert.deepEqual(s.rows.map((r) => r.ts), [T0 + 3 * D, T0 + 2 * D, T0 + D, T0]);
  assert.equal(s.rows[3].volume, 10, "Volume <BASE>, not Volume USDT");
  assert.match(s.rows[0].ref, /Binance_ETHUSDT_d\.csv:3$/);
  assert.equal(unparsed.length, 0);
});

Deno.test("readCandleFile() uses Date when Excel wrote Unix in scientific notation (CRLF, M/D/YYYY)", async () => {
  const { format, s } = await one("excel/Binance_BTCUSDT_d.csv");
  assert.equal(format, "cryptodatadownload");
  assert.deepEqual(s.rows.map((r) => r.ts), [T0 + 2 * D, T0 + D, T0]);
  assert.equal(s.rows[0].close, 203);
});

Deno.test("readCandleFile() reads the 2021 CDD splice with s and ms rows mixed", async () => {
  const { s } = await one("splice/Binance_BTCUSDT_1h.csv");
  assert.deepEqual([s.symbol, s.timeframe], ["BTC/USDT", "1h"]);
  assert.deepEqual(s.rows.map((r) => r.ts), [T0 + 3 * H, T0 + 2 * H, T0 + 2 * H, T0 + H, T0]);
});

Deno.test("readCandleFile() reads the 2020 CDD banner, 'Unix Timestamp' and AM/PM dates", async () => {
  const { s } = await one("cdd2020/Binance_LTCUSDT_1h.csv");
  assert.deepEqual([s.exchange, s.symbol, s.timeframe], ["binance", "LTC/USDT", "1h"]);
  assert.deepEqual(s.rows.map((r) => r.ts), [T0 + 14 * H, T0 + 13 * H, T0 + 12 * H]);
  assert.equal(s.rows[2].volume, 7.3);
});

Deno.test("readCandleFile() detects the time unit per row in Binance dumps (ms and µs)", async () => {
  const { format, s } = await one("BTCUSDT-1h-2025-01.csv");
  assert.equal(format, "binance-vision");
  assert.deepEqual([s.exchange, s.symbol, s.timeframe], ["binance", "BTC/USDT", "1h"]);
  const jan1 = Date.UTC(2025, 0, 1);
  assert.deepEqual(s.rows.map((r) => r.ts), [jan1 - H, jan1, jan1 + H]);
});

Deno.test("readCandleFile() reads a Binance dump with a header line", async () => {
  const { format, s } = await one("ETHUSDT-1d-2023-01.csv");
  assert.equal(format, "binance-vision");
  assert.deepEqual([s.symbol, s.timeframe, s.rows.length], ["ETH/USDT", "1d", 2]);
  assert.match(s.rows[0].ref, /:2$/);
});

Deno.test("readCandleFile() reads a /api/v3/klines response and asks for --symbol", async () => {
  await assert.rejects(
    () => readCandleFile(td("klines.json")),
    (e: unknown) =>
      e instanceof MissingOptionError && e.option === "--symbol" && /klines\.json/.test(e.message),
  );
  const { format, s } = await one("klines.json", { symbol: "ADAUSDT" });
  assert.equal(format, "binance-klines-json");
  assert.deepEqual([s.exchange, s.symbol, s.timeframe], ["binance", "ADA/USDT", "1m"]);
  assert.equal(s.rows[1].close, 0.515);
});

Deno.test("readCandleFile() reads ccxt/freqtrade arrays and asks for --exchange", async () => {
  await assert.rejects(() => readCandleFile(td("ETH_BTC-5m.json")), /--exchange/);
  const { format, s } = await one("ETH_BTC-5m.json", { exchange: "Bittrex" });
  assert.equal(format, "ccxt-json");
  assert.deepEqual([s.exchange, s.symbol, s.timeframe], ["bittrex", "ETH/BTC", "5m"]);
  assert.equal(s.rows.length, 3);
});

Deno.test("readCandleFile() reads JSON objects with string prices; a bad value is unparsed with its line", async () => {
  const { format, s, unparsed } = await one("BTCUSDT_1h.json", { exchange: "binance" });
  assert.equal(format, "json-objects");
  assert.deepEqual([s.symbol, s.timeframe, s.rows.length], ["BTC/USDT", "1h", 2]);
  assert.equal(unparsed.length, 1);
  assert.match(unparsed[0].ref, /BTCUSDT_1h\.json:12 \[1\]$/);
  assert.match(unparsed[0].reason, /high "oops" is not a number/);
});

Deno.test("readCandleFile() reads an object holding klines and keeps the unclosed last candle out", async () => {
  const { s, unparsed } = await one("candles_export.json", { exchange: "binance" });
  assert.deepEqual([s.symbol, s.timeframe, s.rows.length], ["SOL/USDT", "1d", 2]);
  assert.equal(unparsed.length, 1);
  assert.match(unparsed[0].reason, /had not closed when the file was written/);
});

Deno.test("readCandleFile() reads Kraken OHLCVT in seconds; XBT is BTC", async () => {
  const { format, s } = await one("XBTEUR_60.csv");
  assert.equal(format, "kraken-ohlcvt");
  assert.deepEqual([s.exchange, s.symbol, s.timeframe], ["kraken", "BTC/EUR", "1h"]);
  assert.deepEqual(s.rows.map((r) => r.ts), [T0, T0 + H, T0 + 3 * H]);
});

Deno.test("readCandleFile() reads Yahoo Finance with no newline at the end", async () => {
  const { format, s } = await one("ETH-USD.csv");
  assert.equal(format, "yahoo");
  assert.deepEqual([s.exchange, s.symbol, s.timeframe], ["yahoo", "ETH/USD", "1d"]);
  assert.equal(s.rows.length, 3);
  assert.equal(s.rows[2].volume, 87654321);
});

Deno.test("readCandleFile() reads Kaggle CoinMarketCap in High, Low, Open, Close order", async () => {
  const { format, s } = await one("coin_Litecoin.csv");
  assert.equal(format, "coinmarketcap-kaggle");
  assert.deepEqual([s.exchange, s.symbol, s.timeframe], ["coinmarketcap", "LTC/USD", "1d"]);
  const c = s.rows[0];
  assert.deepEqual([c.ts, c.open, c.high, c.low, c.close], [T0, 70, 72.5, 69, 71.5]);
});

Deno.test("readCandleFile() refuses a Kaggle file wrecked by Excel, naming file and line", async () => {
  await assert.rejects(
    () => readCandleFile(td("coin_Litecoin.EXCEL.csv")),
    (e: unknown) =>
      e instanceof FileFormatError && /coin_Litecoin\.EXCEL\.csv line 2/.test(e.message) &&
      /Excel/.test(e.message),
  );
});

Deno.test("readCandleFile() reads ISO-timestamped named columns and asks for --exchange", async () => {
  await assert.rejects(() => readCandleFile(td("BTCUSDT_1m_20240101.csv")), /--exchange/);
  const { format, s } = await one("BTCUSDT_1m_20240101.csv", { exchange: "binanceus" });
  assert.equal(format, "named-csv");
  assert.deepEqual([s.symbol, s.timeframe], ["BTC/USDT", "1m"]);
  assert.deepEqual(s.rows.map((r) => r.ts), [T0, T0 + 60_000, T0 + 120_000]);
});

Deno.test("readCandleFile() says a file is not a market file, naming it", async () => {
  await assert.rejects(
    () => readCandleFile(td("fear_greed.csv")),
    (e: unknown) => e instanceof FileFormatError && /fear_greed\.csv line 1/.test(e.message),
  );
});

Deno.test("readCandleFile() keeps unparsable rows with file:line and the reason", async () => {
  const { s, unparsed } = await one("Binance_SOLUSDT_1h.csv");
  assert.equal(s.rows.length, 2);
  assert.deepEqual(unparsed.map((u) => u.ref.replace(/^.*\//, "")), [
    "Binance_SOLUSDT_1h.csv:4",
    "Binance_SOLUSDT_1h.csv:5",
  ]);
  assert.match(unparsed[0].reason, /open "abc" is not a number/);
  assert.match(unparsed[1].reason, /expected 10 fields, found 5/);
});

Deno.test("readCandleFile() lets options override what the file tells", async () => {
  const { s } = await one("Binance_ETHUSDT_d.csv", { symbol: "ETH-EUR", exchange: "Other" });
  assert.deepEqual([s.exchange, s.symbol], ["other", "ETH/EUR"]);
});

Deno.test("parseCandleText() detects compact one-line JSON as written by Binance and freqtrade", () => {
  const klines =
    '[[1704067200000,"1.0","1.2","0.9","1.1","5.0",1704067259999,"5.5",3,"2","2.2","0"]]';
  assert.equal(
    parseCandleText(klines, "x.json", { symbol: "ADA/USDT" }).format,
    "binance-klines-json",
  );
  const ccxt = "[[1704067200000,1.0,1.2,0.9,1.1,5.0]]";
  const r = parseCandleText(ccxt, "ETH_BTC-1m.json", { exchange: "x" });
  assert.equal(r.format, "ccxt-json");
  assert.match(r.series[0].rows[0].ref, /^ETH_BTC-1m\.json:1 \[0\]$/);
});
