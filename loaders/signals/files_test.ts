import assert from "node:assert/strict";
import { openWarehouse } from "../../warehouse/db.ts";
import { FileFormatError, MissingOptionError } from "../files/errors.ts";
import { checkSourceName, parseSignalText, readSignalFile } from "./files.ts";
import { ingestSignals } from "./store.ts";

const dir = new URL("./testdata/", import.meta.url).pathname;
const D = (s: string) => Date.parse(s + "T00:00:00Z");
const DAY = 86_400_000;

Deno.test("a Fear & Greed CSV with CRLF and 05:30 UTC stamps is stored on its days, known at their end", async () => {
  const f = await readSignalFile(dir + "fng_ist.csv", { source: "fear-greed" });
  assert.equal(f.kind, "fear-greed");
  assert.deepEqual(f.rows.map((r) => r.ts), [
    D("2024-03-01"),
    D("2024-03-02"),
    D("2024-03-03"),
    D("2024-03-04"),
  ]);
  assert.ok(f.rows.every((r) => r.symbol === null && r.name === "value"));
  assert.ok(f.rows.every((r) => r.available_at === r.ts + DAY));
  assert.deepEqual(f.rows.map((r) => r.value), [90, 82, 80, 79]);
  assert.equal(f.rejects.length, 0);
});

Deno.test("a broken export: junk before the header skipped, newest first read, trailer and bad cell rejected with file:line", async () => {
  const f = await readSignalFile(dir + "fng_broken.csv", { source: "fear-greed" });
  assert.equal(f.kind, "fear-greed");
  assert.equal(f.skipped, 3);
  assert.deepEqual(f.rows.map((r) => [new Date(r.ts).toISOString().slice(0, 10), r.value]), [
    ["2024-03-04", 79],
    ["2024-03-03", 80],
    ["2024-03-02", 82],
  ]);
  assert.deepEqual(f.rejects.map((r) => r.ref.replace(dir, "")), [
    "fng_broken.csv:5",
    "fng_broken.csv:9",
  ]);
  assert.match(f.rejects[0].reason, /fng_value "abc" is not a number/);
  assert.match(f.rejects[1].reason, /not a data row/);
});

Deno.test("the same day from two files is one row; the warehouse keeps one value per (source, symbol, day, name)", async () => {
  const wh = await openWarehouse(":memory:");
  const now = D("2024-06-01");
  const a = await readSignalFile(dir + "fng_ist.csv", { source: "fear-greed" });
  const b = await readSignalFile(dir + "fng_broken.csv", { source: "fear-greed" });
  const c = await readSignalFile(dir + "fng_api.json", { source: "fear-greed" });
  const r1 = await ingestSignals(wh, "fear-greed", a.rows, { now, rejects: a.rejects });
  const r2 = await ingestSignals(wh, "fear-greed", [...b.rows, ...c.rows], {
    now,
    rejects: [...b.rejects, ...c.rejects],
  });
  assert.equal(r1.rows_loaded, 4);
  // broken: 3 values already stored + 2 rejects; api: 3 values already stored + 1 reject.
  assert.deepEqual([r2.rows_loaded, r2.rows_duplicate, r2.rows_rejected], [0, 6, 3]);
  const rows = await wh.rows<{ n: number; days: number }>(
    "SELECT count(*)::INTEGER AS n, count(DISTINCT ts)::INTEGER AS days FROM signals",
  );
  assert.deepEqual(rows[0], { n: 4, days: 4 });
  wh.close();
});

Deno.test("an alternative.me answer saved as JSON is read like the live pull, rows named by line", async () => {
  const f = await readSignalFile(dir + "fng_api.json", { source: "fear-greed" });
  assert.equal(f.kind, "fear-greed-json");
  assert.deepEqual(f.rows.map((r) => r.value), [79, 80, 82]);
  assert.equal(f.rejects.length, 1);
  assert.match(f.rejects[0].ref, /fng_api\.json:20 \[3\]$/);
  assert.match(f.rejects[0].reason, /"eighty" is not a number/);
});

Deno.test("a Token Metrics grades file keeps the grade columns, leaves prices out, skips empty cells, needs --symbol", async () => {
  assert.throws(
    () =>
      parseSignalText(Deno.readTextFileSync(dir + "tm_grades.csv"), "tm_grades.csv", {
        source: "token-metrics",
      }),
    (e) => e instanceof MissingOptionError && /--symbol/.test(e.message),
  );
  const f = await readSignalFile(dir + "tm_grades.csv", {
    source: "token-metrics",
    symbol: "BTC/USDT",
  });
  assert.equal(f.kind, "token-metrics");
  assert.deepEqual(f.ignored, ["Open", "High", "Low", "Close", "Volume"]);
  const names = [...new Set(f.rows.map((r) => r.name))].sort();
  assert.deepEqual(names, ["quant_grade", "ta_grade", "tm_trader_grade", "tm_trader_gradepct"]);
  assert.equal(f.rows.length, 3 * 4 - 1, "the empty PCT cell holds no value");
  assert.ok(f.rows.every((r) => r.symbol === "BTC/USDT" && r.available_at === r.ts + DAY));
});

Deno.test("a Token Metrics JSON answer: field names of either case, null grades skipped, a bad signal rejected", async () => {
  const f = await readSignalFile(dir + "tm_signals.json", { source: "token-metrics" });
  assert.equal(f.kind, "token-metrics-json");
  const at = (day: string) =>
    Object.fromEntries(f.rows.filter((r) => r.ts === D(day)).map((r) => [r.name, r.value]));
  assert.deepEqual(at("2025-01-26"), {
    trading_signal: 1,
    token_trend: 1,
    tm_trader_grade: 71.35,
    trading_signals_returns: 12.4521,
    holding_returns: 9.8712,
  });
  assert.deepEqual(at("2025-01-25"), {
    trading_signal: 0,
    token_trend: 1,
    tm_investor_grade: 64.2,
    trading_signals_returns: 12.1002,
    holding_returns: 9.6021,
  });
  assert.equal(at("2025-01-24").tm_trader_grade, 69.9, "a number sent as a string");
  assert.ok(f.rows.every((r) => r.symbol === "BTC/USD"));
  assert.equal(f.rejects.length, 1);
  assert.match(f.rejects[0].reason, /TRADING_SIGNAL is 2, not -1, 0 or 1/);
  assert.ok(
    f.rows.every((r) => JSON.parse(r.raw).TOKEN_ID === 3375 || JSON.parse(r.raw).token_id === 3375),
  );
});

Deno.test("the long format: symbols per row (or none), names cleaned, available_at kept when given", async () => {
  const f = await readSignalFile(dir + "long.csv", { source: "mine" });
  assert.equal(f.kind, "long");
  const byRef = Object.fromEntries(f.rows.map((r) => [r.ref.replace(dir, ""), r]));
  assert.deepEqual(
    { s: byRef["long.csv:2"].symbol, n: byRef["long.csv:2"].name },
    { s: null, n: "funding_stress" },
  );
  assert.equal(byRef["long.csv:3"].available_at, Date.parse("2025-01-03T06:00:00Z"));
  assert.equal(byRef["long.csv:4"].symbol, "BTC/USDT");
  assert.equal(byRef["long.csv:4"].available_at, D("2025-01-03"), "a daily value: its day's end");
  assert.equal(byRef["long.csv:5"].symbol, "ETH");
  assert.deepEqual(f.rejects.map((r) => r.ref.replace(dir, "")), ["long.csv:6", "long.csv:7"]);
});

Deno.test("a wide file with times of day: values are observed at their time; empty cells hold nothing", async () => {
  const f = await readSignalFile(dir + "wide_hourly.csv", { source: "derivs", symbol: "BTC/USDT" });
  assert.equal(f.kind, "wide");
  assert.equal(f.rows.length, 5);
  assert.ok(f.rows.every((r) => r.available_at === r.ts && r.symbol === "BTC/USDT"));
  assert.deepEqual(f.rows.filter((r) => r.name === "open_interest").map((r) => r.value), [
    1200,
    1210,
  ]);
});

Deno.test("a file with no time column is refused, naming it; reserved and bad source names are refused", () => {
  assert.throws(
    () => parseSignalText("a,b\n1,2\n", "x.csv", { source: "mine" }),
    (e) =>
      e instanceof FileFormatError && /x\.csv/.test(e.message) && /time column/.test(e.message),
  );
  assert.throws(() => checkSourceName("sample-x"), /reserved/);
  assert.throws(() => checkSourceName("my signal"), /--source/);
  assert.equal(checkSourceName("My-Signal"), "my-signal");
});
