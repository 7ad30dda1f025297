/**
 * Signal files over the real shared data (MANIFEST section 2d): the three
 * Fear & Greed exports and the broken one, Token Metrics' own grade files;
 * row counts and date ranges as the MANIFEST gives them, the same day from
 * several files stored once, and the signals joined to real BTC daily
 * candles point in time and judged on the models' folds.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REAL_DATA, realFile } from "./mod.ts";
import { openWarehouse } from "../../warehouse/db.ts";
import { ingestSignals, readSignalFile } from "../../loaders/signals/mod.ts";
import { ingestFiles } from "../../loaders/files/mod.ts";
import { loadFeatures } from "../../pipeline/features/mod.ts";
import { signalSpecs } from "../../pipeline/features/mod.ts";
import { trainSeries } from "../../pipeline/train.ts";

const NOW = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;
const FNG = {
  naman: "Namanjain723__Bitcoin-Sentiment-Trader-Analysis/fear_greed_index.csv",
  aouini: "AouiniSabrine__pfm-btc/fear_greed_index.csv",
  firidonov: "Firidonov__BTC_FnG_srtategy/fear_greed_index.csv",
  broken: "Firidonov__BTC_FnG_srtategy/response_fng.csv",
};
const TM = "token-metrics__tm-data-api-examples";
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const CASES: {
  file: string;
  rows: number;
  first: string;
  last: string;
  rejects: number;
  skipped: number;
}[] = [
  { file: FNG.naman, rows: 2644, first: "2018-02-01", last: "2025-05-02", rejects: 0, skipped: 0 },
  { file: FNG.aouini, rows: 2660, first: "2018-02-01", last: "2025-05-18", rejects: 0, skipped: 0 },
  {
    file: FNG.firidonov,
    rows: 2524,
    first: "2018-02-01",
    last: "2025-01-02",
    rejects: 1,
    skipped: 0,
  },
  { file: FNG.broken, rows: 2524, first: "2018-02-01", last: "2025-01-02", rejects: 1, skipped: 3 },
];

for (const c of CASES) {
  Deno.test({
    name: `signal file ${c.file}: ${c.rows} daily Fear & Greed values, ${c.first} → ${c.last}`,
    ignore: !REAL_DATA,
    async fn() {
      const f = await readSignalFile(realFile(c.file), { source: "fear-greed" });
      assert.equal(f.kind, "fear-greed");
      assert.equal(f.rows.length, c.rows);
      assert.equal(f.skipped, c.skipped);
      assert.equal(f.rejects.length, c.rejects, JSON.stringify(f.rejects));
      if (c.rejects) assert.equal(f.rejects[0].raw, "\t]", "the stray trailer");
      const ts = f.rows.map((r) => r.ts);
      assert.equal(day(Math.min(...ts)), c.first);
      assert.equal(day(Math.max(...ts)), c.last);
      assert.ok(f.rows.every((r) => r.ts % DAY === 0 && r.available_at === r.ts + DAY));
      assert.ok(f.rows.every((r) => r.symbol === null && r.value >= 0 && r.value <= 100));
    },
  });
}

Deno.test({
  name: "the four Fear & Greed files agree: one row per day (2660), the known gaps stay gaps",
  ignore: !REAL_DATA,
  async fn() {
    const wh = await openWarehouse(":memory:");
    let replaced = 0, loaded = 0;
    for (const file of Object.values(FNG)) {
      const f = await readSignalFile(realFile(file), { source: "fear-greed" });
      const r = await ingestSignals(wh, "fear-greed", f.rows, { now: NOW, rejects: f.rejects });
      assert.equal(r.rows_read, r.rows_loaded + r.rows_rejected + r.rows_duplicate);
      replaced += r.rows_replaced;
      loaded += r.rows_loaded;
    }
    assert.equal(replaced, 0, "no file contradicts another");
    assert.equal(loaded, 2660);
    const gaps = await wh.rows<{ d: string }>(
      `SELECT strftime(d, '%Y-%m-%d') AS d FROM generate_series(TIMESTAMP '2018-02-01', TIMESTAMP '2025-05-18', INTERVAL 1 DAY) g(d)
       WHERE d NOT IN (SELECT ts FROM signals) ORDER BY d`,
    );
    assert.deepEqual(gaps.map((g) => g.d), [
      "2018-04-14",
      "2018-04-15",
      "2018-04-16",
      "2024-10-26",
    ]);
    wh.close();
  },
});

Deno.test({
  name:
    "Token Metrics' grade files: 748 days 2021-01-01 → 2023-01-27 (9 missing in 2022), grades agree",
  ignore: !REAL_DATA,
  async fn() {
    const wh = await openWarehouse(":memory:");
    const a = await readSignalFile(realFile(TM, "TMdata.csv"), {
      source: "token-metrics",
      symbol: "BTC/USDT",
    });
    assert.equal(a.kind, "token-metrics");
    assert.deepEqual(a.ignored, ["Open", "High", "Low", "Close", "Volume"]);
    assert.equal(a.rows.length, 748 * 3);
    const b = await readSignalFile(realFile(TM, "btc_tg.csv"), {
      source: "token-metrics",
      symbol: "BTC/USDT",
    });
    assert.ok(b.ignored.includes("DayReturnPCT") && b.ignored.includes("DailyReturnPCT"));
    const ra = await ingestSignals(wh, "token-metrics", a.rows, { now: NOW });
    const rb = await ingestSignals(wh, "token-metrics", b.rows, { now: NOW, rejects: b.rejects });
    assert.equal(ra.rows_loaded, 2244);
    assert.equal(rb.rows_replaced, 0, "btc_tg.csv's grades are TMdata.csv's");
    // btc_tg.csv leaves 4 grade cells empty (2022-05-23, 2021-03-25): no value, not a conflict.
    const grades = b.rows.filter((r) => !r.name.endsWith("pct")).length;
    assert.equal(grades, 3 * 748 - 4);
    assert.equal(rb.rows_duplicate, grades);
    const span = await wh.one<{ n: number; a: string; b: string }>(
      `SELECT count(DISTINCT ts)::INTEGER AS n, strftime(min(ts), '%Y-%m-%d') AS a,
              strftime(max(ts), '%Y-%m-%d') AS b FROM signals WHERE name = 'tm_trader_grade'`,
    );
    assert.deepEqual(span, { n: 748, a: "2021-01-01", b: "2023-01-27" });
    assert.equal((Date.parse("2023-01-27") - Date.parse("2021-01-01")) / DAY + 1 - 748, 9);
    const names = await wh.rows<{ name: string }>("SELECT DISTINCT name FROM signals ORDER BY 1");
    assert.deepEqual(names.map((n) => n.name), [
      "quant_grade",
      "quant_gradepct",
      "ta_grade",
      "ta_gradepct",
      "tm_trader_grade",
      "tm_trader_gradepct",
    ]);
    wh.close();
  },
});

Deno.test({
  name:
    "real BTC daily candles with Fear & Greed and Token Metrics grades: joined point in time, judged on the folds",
  ignore: !REAL_DATA,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const wh = await openWarehouse(join(dir, "w.duckdb"));
    try {
      await ingestFiles(wh, realFile("mschindler779__CausCrypto", "Binance_BTCUSDT_d.csv"));
      const fng = await readSignalFile(realFile(FNG.aouini), { source: "fear-greed" });
      await ingestSignals(wh, "fear-greed", fng.rows, { now: NOW });
      const tm = await readSignalFile(realFile(TM, "TMdata.csv"), {
        source: "token-metrics",
        symbol: "BTC/USDT",
      });
      await ingestSignals(wh, "token-metrics", tm.rows, { now: NOW });
      const series = { exchange: "binance", symbol: "BTC/USDT", timeframe: "1d" as const };
      const specs = await signalSpecs(wh, series);
      assert.deepEqual(specs.map((s) => `${s.source}:${s.name}`), [
        "fear-greed:value",
        "token-metrics:quant_grade",
        "token-metrics:ta_grade",
        "token-metrics:tm_trader_grade",
      ]);
      // The daily candle of day D closes at D+1 00:00, when day D's index is first known.
      const f = await loadFeatures(wh, series, specs);
      const byDay = new Map(fng.rows.map((r) => [r.ts, r.value]));
      let checked = 0;
      f.ts.forEach((t, i) => {
        if (byDay.has(t)) {
          assert.equal(f.signals[0][i], byDay.get(t), day(t));
          checked++;
        }
      });
      assert.ok(checked > 2000, `${checked} candles checked`);
      const r = await trainSeries(wh, series, { modelsDir: join(dir, "models"), horizons: [1] });
      const fg = r.signals.find((j) => j.model === "signal:fear-greed:value")!;
      for (const j of r.signals) {
        console.log(`  BTC/USDT 1d ${j.model} (${j.kind}, n ${j.n}): ${j.headline}`);
      }
      assert.equal(fg.kind, "fear_greed");
      assert.ok(fg.n > 500, `n ${fg.n}`);
      const m = await wh.rows<{ metric: string; value: number | null }>(
        `SELECT metric, value FROM run_metrics JOIN model_runs USING (run_id)
         WHERE model = 'signal:fear-greed:value' AND fold IS NULL`,
      );
      const cov = m.find((x) => x.metric === "coverage")!.value!;
      assert.ok(cov > 0 && cov <= 1);
      const buckets = m.filter((x) => x.metric.startsWith("n:")).reduce(
        (s, x) => s + (x.value ?? 0),
        0,
      );
      assert.equal(buckets, fg.n);
    } finally {
      wh.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
