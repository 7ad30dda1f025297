import assert from "node:assert/strict";
import { openWarehouse, tsParam } from "../../warehouse/db.ts";
import { ingestSample } from "../sample/mod.ts";
import { ingestSampleSignal, SAMPLE_SIGNAL_SOURCE, sampleSignalRows } from "./sample.ts";

const NOW = Date.UTC(2025, 5, 1, 12, 30);
const DAY = 86_400_000;

Deno.test("the synthetic sample signal is daily, 0–100, labelled synthetic, and idempotent", async () => {
  const wh = await openWarehouse(":memory:");
  await ingestSample(wh, { now: NOW, days: 200, symbols: ["BTC/USDT"], timeframes: ["1d"] });
  const a = await ingestSampleSignal(wh, { now: NOW });
  const b = await ingestSampleSignal(wh, { now: NOW });
  assert.ok(a.rows_loaded > 150, a.message);
  assert.deepEqual([b.rows_loaded, b.rows_duplicate], [0, a.rows_loaded]);
  const rows = await wh.rows<{ ts: string; value: number; available_at: string; raw: string }>(
    "SELECT ts, value, available_at, raw::VARCHAR AS raw FROM signals WHERE source = ? ORDER BY ts",
    [SAMPLE_SIGNAL_SOURCE],
  );
  assert.ok(rows.every((r) => Date.parse(r.ts) % DAY === 0));
  assert.ok(rows.every((r) => Date.parse(r.available_at) === Date.parse(r.ts) + DAY));
  assert.ok(rows.every((r) => r.value >= 0 && r.value <= 100 && JSON.parse(r.raw).synthetic));
  assert.ok(
    new Set(rows.map((r) => Math.floor(r.value / 25))).size >= 3,
    "it moves across classes",
  );
  wh.close();
});

Deno.test("the synthetic sample signal is causal: changing candles after a date changes no value dated up to it", async () => {
  const wh = await openWarehouse(":memory:");
  await ingestSample(wh, { now: NOW, days: 200, symbols: ["BTC/USDT"], timeframes: ["1d"] });
  const before = await sampleSignalRows(wh);
  const cut = before[Math.floor(before.length / 2)].ts; // value of day D uses closes to D 00:00
  await wh.run("UPDATE ohlcv SET close = close * 1.3 WHERE ts >= ?", [tsParam(cut)]);
  const after = await sampleSignalRows(wh);
  const by = new Map(after.map((r) => [r.ts, r.value]));
  let same = 0, changed = 0;
  for (const r of before) {
    if (r.ts <= cut) {
      assert.equal(by.get(r.ts), r.value, new Date(r.ts).toISOString());
      same++;
    } else if (by.get(r.ts) !== r.value) changed++;
  }
  assert.ok(same > 50 && changed > 0, `${same} unchanged, ${changed} changed`);
  wh.close();
});
