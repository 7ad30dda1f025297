import assert from "node:assert/strict";
import { openWarehouse } from "../warehouse/db.ts";
import { consolidateSeries } from "./consolidate.ts";
import { ingestSeries } from "./store.ts";
import type { SourcedCandle } from "./validate.ts";

const H = 3_600_000;
const T = Date.UTC(2025, 0, 1);
const NOW = T + 10 * H;

const candle = (i: number, o: number, h: number, l: number, c: number, v: number) => ({
  ts: T + i * H,
  open: o,
  high: h,
  low: l,
  close: c,
  volume: v,
  ref: `${i}`,
});
const put = (
  wh: Awaited<ReturnType<typeof openWarehouse>>,
  exchange: string,
  rows: SourcedCandle[],
) => ingestSeries(wh, "t", [{ exchange, symbol: "BTC/USDT", timeframe: "1h", rows }], { now: NOW });

Deno.test("consolidateSeries() combines exchanges: volume-weighted open/close, max high, min low, summed volume", async () => {
  const wh = await openWarehouse(":memory:");
  await put(wh, "a", [
    candle(0, 100, 110, 95, 105, 1),
    candle(1, 105, 108, 100, 101, 2),
    candle(2, 101, 103, 99, 102, 1),
  ]);
  await put(wh, "b", [candle(0, 102, 112, 97, 104, 3), candle(1, 104, 106, 98, 100, 0)]);
  const r = await consolidateSeries(wh, {
    symbol: "BTC/USDT",
    timeframe: "1h",
    sources: ["b", "a"],
    now: NOW,
  });
  assert.deepEqual([r.rows_read, r.rows_loaded, r.incomplete], [2, 2, 1], "hour 2 lacks b");
  const rows = await wh.rows<Record<string, number>>(
    "SELECT open, high, low, close, volume FROM ohlcv WHERE exchange = 'consolidated' ORDER BY ts",
  );
  assert.deepEqual(rows[0], {
    open: (100 * 1 + 102 * 3) / 4,
    high: 112,
    low: 95,
    close: (105 * 1 + 104 * 3) / 4,
    volume: 4,
  });
  assert.deepEqual(rows[1], { open: 105, high: 108, low: 98, close: 101, volume: 2 });
  const run = await wh.one<{ params: string }>(
    "SELECT params::VARCHAR AS params FROM ingest_runs WHERE run_id = ?",
    [r.run_id],
  );
  assert.deepEqual(JSON.parse(run!.params).sources, ["a", "b"], "the run remembers its sources");

  const again = await consolidateSeries(wh, {
    symbol: "BTC/USDT",
    timeframe: "1h",
    sources: ["a", "b"],
    now: NOW,
  });
  assert.deepEqual([again.rows_loaded, again.rows_duplicate], [0, 2], "idempotent");

  await put(wh, "b", [candle(1, 104, 106, 98, 100, 2)]); // b's hour 1 now traded
  const moved = await consolidateSeries(wh, {
    symbol: "BTC/USDT",
    timeframe: "1h",
    sources: ["a", "b"],
    now: NOW,
  });
  assert.deepEqual([moved.rows_loaded, moved.rows_duplicate], [1, 1]);
  const superseded = await wh.one<{ source_ref: string; reason: string }>(
    "SELECT source_ref, reason FROM rejects WHERE run_id = ?",
    [moved.run_id],
  );
  assert.match(superseded!.reason, /superseded/);
  assert.match(superseded!.source_ref, /^consolidated BTC\/USDT 1h 2025-01-01T01:00:00Z$/);
  const n = await wh.one<{ n: number; close: number }>(
    `SELECT count(*) AS n, any_value(close) AS close FROM ohlcv
     WHERE exchange = 'consolidated' AND ts = '2025-01-01 01:00:00'`,
  );
  assert.deepEqual(n, { n: 1, close: (101 * 2 + 100 * 2) / 4 });
  wh.close();
});

Deno.test("consolidateSeries() refuses fewer than two sources, or a source with no candles", async () => {
  const wh = await openWarehouse(":memory:");
  await put(wh, "a", [candle(0, 100, 110, 95, 105, 1)]);
  const base = { symbol: "BTC/USDT", timeframe: "1h" as const, now: NOW };
  await assert.rejects(() => consolidateSeries(wh, { ...base, sources: ["a"] }), /at least two/);
  await assert.rejects(() => consolidateSeries(wh, { ...base, sources: ["a", "zz"] }), /from zz/);
  wh.close();
});
