/**
 * The file loaders over every real file in the shared MANIFEST: the format
 * is detected, row counts and first/last candles match the MANIFEST (after
 * validation and de-duplication where the MANIFEST describes repeats), and
 * the files that are not candles (or are wrecked) are refused clearly.
 */
import assert from "node:assert/strict";
import { REAL_DATA, realFile } from "./mod.ts";
import {
  FileFormatError,
  type FileIngestOptions,
  ingestFiles,
  MissingOptionError,
  readCandleFile,
} from "../../loaders/files/mod.ts";
import { validateCandles } from "../../loaders/validate.ts";
import { openWarehouse } from "../../warehouse/db.ts";

const NOW = Date.UTC(2026, 10, 1);
const T = "Thanos6988__Cryptocurrency-Historical-Prices-Data-Analysis";
const CL = "cl8550-crypto__iaqf_analysis";
const AS = "andrewsiah__crypto-historical-data";
const CC = "mschindler779__CausCrypto";

interface Case {
  file: string;
  options?: FileIngestOptions;
  format: string;
  market: string; // "exchange symbol timeframe"
  rows: number; // data rows in the file (MANIFEST "rows")
  valid: number; // distinct closed candles after validation
  first: string;
  last: string;
}

const cdd = (asset: string, rows: number, first: string): Case => ({
  file: `${CC}/Binance_${asset}USDT_d.csv`,
  format: "cryptodatadownload",
  market: `binance ${asset}/USDT 1d`,
  rows,
  valid: rows,
  first,
  last: "2026-03-30",
});
const kaggle = (name: string, sym: string, rows: number, first: string): Case => ({
  file: `${T}/coin_${name}.csv`,
  format: "coinmarketcap-kaggle",
  market: `coinmarketcap ${sym}/USD 1d`,
  rows,
  valid: rows,
  first,
  last: "2021-07-06",
});

const CASES: Case[] = [
  cdd("BTC", 3142, "2017-08-17"),
  cdd("ETH", 3142, "2017-08-17"),
  cdd("SOL", 2052, "2020-08-11"),
  cdd("BNB", 3061, "2017-11-06"),
  cdd("XRP", 2882, "2018-05-04"),
  cdd("ADA", 2899, "2018-04-17"),
  cdd("DOGE", 2455, "2019-07-05"),
  cdd("TRX", 2844, "2018-06-11"),
  cdd("BCH", 2309, "2019-11-28"),
  {
    file: "Razan-alKasty__bitcoin-volume-volatility-thesis/Binance_BTCUSDT_d.csv",
    format: "cryptodatadownload",
    market: "binance BTC/USDT 1d",
    rows: 3194,
    valid: 3194,
    first: "2017-08-17",
    last: "2026-05-31",
  },
  // 2017-12-18 appears twice (once per spliced export).
  ...[["BTCUSDT_d", 1396, 1395, "2017-08-17", "2021-06-11"], [
    "BNBUSDT_d",
    1272,
    1272,
    "2017-12-18",
    "2021-06-11",
  ]].map(([n, rows, valid, first, last]) => ({
    file: `${AS}/Binance_${n}.csv`,
    format: "cryptodatadownload",
    market: `binance ${String(n).slice(0, 3)}/USDT 1d`,
    rows: rows as number,
    valid: valid as number,
    first: first as string,
    last: last as string,
  })),
  // 2649 hours appear twice in the BTC and ETH splices.
  ...["BTC", "ETH"].map((a) => ({
    file: `${AS}/Binance_${a}USDT_1h.csv`,
    format: "cryptodatadownload",
    market: `binance ${a}/USDT 1h`,
    rows: 36062,
    valid: 36062 - 2649,
    first: "2017-08-17 04:00",
    last: "2021-06-10 00:00",
  })),
  ...["BNB", "ADA"].map((a) => ({
    file: `${AS}/Binance_${a}USDT_1h.csv`,
    format: "cryptodatadownload",
    market: `binance ${a}/USDT 1h`,
    rows: 7478,
    valid: 7478,
    first: "2020-08-01 23:00",
    last: "2021-06-10 00:00",
  })),
  // 4 rows repeat a Unix timestamp (identical values); Unix wins over Date.
  {
    file: "timheyes__btc_eth_pair_trading/Binance_BTCUSDT_1h.csv",
    format: "cryptodatadownload",
    market: "binance BTC/USDT 1h",
    rows: 27100,
    valid: 27096,
    first: "2017-08-17 04:00",
    last: "2020-09-19 07:00",
  },
  ...([
    ["01", 744, "01-01", "01-31"],
    ["02", 672, "02-01", "02-28"],
    ["03", 743, "03-01", "03-31"],
    [
      "04",
      720,
      "04-01",
      "04-30",
    ],
    ["05", 744, "05-01", "05-31"],
  ] as const).map(([m, rows, a, b]) => ({
    file: `intabyu__interview-at/BTCUSDT-1h-2023-${m}.csv`,
    format: "binance-vision",
    market: "binance BTC/USDT 1h",
    rows,
    valid: rows,
    first: `2023-${a} 00:00`,
    last: `2023-${b} 23:00`,
  })),
  // The last day is still open at last_updated (14:59 UTC): read, not loaded.
  {
    file: "Lucas-dev-974__Rust-Candlechart/BTCUSDT_1d.json",
    options: { exchange: "binance" },
    format: "json-objects",
    market: "binance BTC/USDT 1d",
    rows: 3047,
    valid: 3046,
    first: "2017-08-17",
    last: "2025-12-18",
  },
  {
    file: "SleepwalkerSpace__trading_helper/BTCUSDT_1d.json",
    options: { exchange: "binance" },
    format: "json-objects",
    market: "binance BTC/USDT 1d",
    rows: 61,
    valid: 61,
    first: "2025-09-29",
    last: "2025-11-28",
  },
  {
    file: "SleepwalkerSpace__trading_helper/BTCUSDT_1h.json",
    options: { exchange: "binance" },
    format: "json-objects",
    market: "binance BTC/USDT 1h",
    rows: 1464,
    valid: 1464,
    first: "2025-09-28 06:00",
    last: "2025-11-28 05:00",
  },
  {
    file: "BheZelmat__BitCoin_Prediction_-_Forecasting_2024/BTC-USD.csv",
    format: "yahoo",
    market: "yahoo BTC/USD 1d",
    rows: 3484,
    valid: 3484,
    first: "2014-09-17",
    last: "2024-03-31",
  },
  kaggle("Ethereum", "ETH", 2160, "2015-08-08"),
  kaggle("Solana", "SOL", 452, "2020-04-11"),
  kaggle("BinanceCoin", "BNB", 1442, "2017-07-26"),
  kaggle("XRP", "XRP", 2893, "2013-08-05"),
  kaggle("Dogecoin", "DOGE", 2760, "2013-12-16"),
  {
    file: `${CL}/kraken_XBTUSD_1440.csv`,
    format: "kraken-ohlcvt",
    market: "kraken BTC/USD 1d",
    rows: 90,
    valid: 90,
    first: "2023-01-01",
    last: "2023-03-31",
  },
  {
    file: `${CL}/kraken_XBTUSDT_60.csv`,
    format: "kraken-ohlcvt",
    market: "kraken BTC/USDT 1h",
    rows: 2160,
    valid: 2160,
    first: "2023-01-01 00:00",
    last: "2023-03-31 23:00",
  },
  {
    file: `${CL}/kraken_BTCUSDC_1m_20230301_20230321.csv`,
    format: "kraken-ohlcvt",
    market: "kraken BTC/USDC 1m",
    rows: 56717,
    valid: 56717,
    first: "2023-01-01 00:00",
    last: "2023-03-31 23:59",
  },
  {
    file: `${CL}/BTCUSDT_1m_20230301_20230321.csv`,
    options: { exchange: "binanceus" },
    format: "named-csv",
    market: "binanceus BTC/USDT 1m",
    rows: 30240,
    valid: 30240,
    first: "2023-03-01 00:00",
    last: "2023-03-21 23:59",
  },
  {
    file: "freqtrade__freqtrade/UNITTEST_BTC-1m.json",
    options: { exchange: "unknown" },
    format: "ccxt-json",
    market: "unknown UNITTEST/BTC 1m",
    rows: 13681,
    valid: 13681,
    first: "2017-11-04 23:02",
    last: "2017-11-14 22:59",
  },
  {
    file: "sinan-aydogan__binance-kline-data-analiz/klines.json",
    options: { symbol: "ADA/USDT" },
    format: "binance-klines-json",
    market: "binance ADA/USDT 1m",
    rows: 500,
    valid: 500,
    first: "2024-11-16 09:07",
    last: "2024-11-16 17:26",
  },
  ...["TMdata.csv", "btc_tg.csv"].map((f) => ({
    file: `token-metrics__tm-data-api-examples/${f}`,
    options: { exchange: "binanceus", symbol: "BTC/USDT" },
    format: "named-csv",
    market: "binanceus BTC/USDT 1d",
    rows: 748,
    valid: 748,
    first: "2021-01-01",
    last: "2023-01-27",
  })),
];

const day = (ms: number, intraday: boolean) =>
  new Date(ms).toISOString().slice(0, intraday ? 16 : 10).replace("T", " ");

for (const c of CASES) {
  Deno.test({
    name: `real: ${c.file} reads as ${c.format}, ${c.rows} rows, ${c.first} → ${c.last}`,
    ignore: !REAL_DATA,
    async fn() {
      const r = await readCandleFile(realFile(c.file), c.options);
      assert.equal(r.format, c.format);
      assert.equal(r.series.length, 1);
      const s = r.series[0];
      assert.equal(`${s.exchange} ${s.symbol} ${s.timeframe}`, c.market);
      assert.equal(s.rows.length + r.unparsed.length, c.rows);
      const v = validateCandles(s.rows, s.timeframe, { now: NOW });
      assert.equal(v.valid.length, c.valid);
      const intraday = c.first.length > 10;
      assert.equal(day(v.valid[0].ts, intraday), c.first);
      assert.equal(day(v.valid.at(-1)!.ts, intraday), c.last);
    },
  });
}

const NOT_CANDLES = [
  "Namanjain723__Bitcoin-Sentiment-Trader-Analysis/fear_greed_index.csv",
  "AouiniSabrine__pfm-btc/fear_greed_index.csv",
  "Firidonov__BTC_FnG_srtategy/fear_greed_index.csv",
  "Firidonov__BTC_FnG_srtategy/response_fng.csv",
  `${CL}/metadata_range_1m_20230301_20230321.csv`,
  "intabyu__interview-at/columns.txt",
  "intabyu__interview-at/LICENSE",
];

Deno.test({
  name: "real: signal, metadata and licence files are refused as not candle files",
  ignore: !REAL_DATA,
  async fn() {
    for (const f of NOT_CANDLES) {
      await assert.rejects(
        () => readCandleFile(realFile(f)),
        (e: unknown) => e instanceof FileFormatError && e.message.includes(realFile(f)),
        f,
      );
    }
  },
});

Deno.test({
  name: "real: coin_Bitcoin.CORRUPTED.csv fails clearly and loads nothing",
  ignore: !REAL_DATA,
  async fn() {
    const wh = await openWarehouse(":memory:");
    const f = realFile(T, "coin_Bitcoin.CORRUPTED.csv");
    await assert.rejects(
      () => ingestFiles(wh, f, { now: NOW }),
      (e: unknown) =>
        e instanceof FileFormatError && e.message.includes(`${f} line 2`) &&
        /Excel/.test(e.message),
    );
    assert.equal((await wh.one<{ n: number }>("SELECT count(*) AS n FROM ohlcv"))!.n, 0);
    wh.close();
  },
});

Deno.test({
  name: "real: files that do not tell symbol or exchange name the missing option",
  ignore: !REAL_DATA,
  async fn() {
    const cases = [
      ["sinan-aydogan__binance-kline-data-analiz/klines.json", "--symbol"],
      ["token-metrics__tm-data-api-examples/TMdata.csv", "--symbol"],
      ["freqtrade__freqtrade/UNITTEST_BTC-1m.json", "--exchange"],
      [`${CL}/BTCUSDT_1m_20230301_20230321.csv`, "--exchange"],
    ];
    for (const [f, option] of cases) {
      await assert.rejects(
        () => readCandleFile(realFile(f)),
        (e: unknown) =>
          e instanceof MissingOptionError && e.option === option &&
          e.message.includes(realFile(f)),
      );
    }
  },
});

Deno.test({
  name: "real: the 56k-row Kraken 1m file parses in well under a second",
  ignore: !REAL_DATA,
  async fn() {
    const t0 = performance.now();
    const r = await readCandleFile(realFile(CL, "kraken_BTCUSDC_1m_20230301_20230321.csv"));
    const ms = performance.now() - t0;
    assert.equal(r.series[0].rows.length, 56717);
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  },
});

Deno.test({
  name:
    "real: the spliced BTC hourly file ingests with exact accounting, and again changes nothing",
  ignore: !REAL_DATA,
  async fn() {
    const wh = await openWarehouse(":memory:");
    const f = realFile(AS, "Binance_BTCUSDT_1h.csv");
    const a = await ingestFiles(wh, f, { now: NOW });
    assert.deepEqual(
      [a.rows_read, a.rows_loaded, a.rows_rejected, a.rows_duplicate],
      [36062, 33413, 2649, 0],
    );
    const b = await ingestFiles(wh, f, { now: NOW });
    assert.deepEqual([b.rows_loaded, b.rows_duplicate, b.rows_rejected], [0, 33413, 2649]);
    assert.equal((await wh.one<{ n: number }>("SELECT count(*) AS n FROM ohlcv"))!.n, 33413);
    wh.close();
  },
});

Deno.test({
  name:
    "real: the intabyu folder (5 monthly dumps, LICENSE and columns.txt skipped) loads 3623 hours",
  ignore: !REAL_DATA,
  async fn() {
    const wh = await openWarehouse(":memory:");
    const r = await ingestFiles(wh, realFile("intabyu__interview-at"), { now: NOW });
    assert.equal(r.files.length, 5);
    assert.deepEqual([r.rows_read, r.rows_loaded], [3623, 3623]);
    const gap = await wh.one<{ n: number }>(
      "SELECT count(*) AS n FROM ohlcv WHERE ts = '2023-03-24 13:00:00'",
    );
    assert.equal(gap!.n, 0, "the outage hour stays missing");
    wh.close();
  },
});
