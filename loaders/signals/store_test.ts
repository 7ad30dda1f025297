import assert from "node:assert/strict";
import fc from "fast-check";
import { openWarehouse } from "../../warehouse/db.ts";
import { ingestSignals, type SignalRow } from "./store.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);
const NOW = Date.UTC(2025, 6, 1);

function row(day: number, value: number, extra: Partial<SignalRow> = {}): SignalRow {
  const ts = T0 + day * DAY;
  return {
    source: "fear-greed",
    symbol: null,
    ts,
    name: "value",
    value,
    available_at: ts + DAY,
    raw: JSON.stringify({ value }),
    ref: `test:${day}`,
    ...extra,
  };
}

Deno.test("ingestSignals() upserts: new rows loaded, the same again duplicate, a new value replaces and keeps the old as a reject", async () => {
  const wh = await openWarehouse(":memory:");
  const first = await ingestSignals(wh, "fear-greed", [row(0, 40), row(1, 45)], { now: NOW });
  assert.deepEqual(
    [first.rows_read, first.rows_loaded, first.rows_duplicate, first.rows_rejected],
    [2, 2, 0, 0],
  );
  const again = await ingestSignals(wh, "fear-greed", [row(0, 40), row(1, 50), row(2, 55)], {
    now: NOW,
  });
  assert.deepEqual(
    [again.rows_loaded, again.rows_duplicate, again.rows_rejected, again.rows_replaced],
    [2, 1, 0, 1],
  );
  const stored = await wh.rows<{ ts: string; value: number; run_id: string }>(
    "SELECT ts, value, run_id FROM signals ORDER BY ts",
  );
  assert.deepEqual(stored.map((r) => r.value), [40, 50, 55]);
  assert.equal(stored[1].run_id, again.run_id);
  const rej = await wh.one<{ reason: string; raw: string }>("SELECT reason, raw FROM rejects");
  assert.match(rej!.reason, /superseded by test:1 .*old value 45/);
  assert.deepEqual(JSON.parse(rej!.raw), { old: 45, new: 50 });
  const run = await wh.one<Record<string, unknown>>(
    "SELECT source, status, rows_read, message FROM ingest_runs WHERE run_id = ?",
    [again.run_id],
  );
  assert.deepEqual(run, {
    source: "signals:fear-greed",
    status: "ok",
    rows_read: 3,
    message: "2 loaded, 0 rejected, 1 duplicate, 1 replaced",
  });
  wh.close();
});

Deno.test("ingestSignals() keeps the earliest availability of an unchanged value (it was known by then)", async () => {
  const wh = await openWarehouse(":memory:");
  await ingestSignals(wh, "fear-greed", [row(0, 40)], { now: NOW });
  const seen = T0 + 9 * 3_600_000; // pulled live at 09:00 on the day
  await ingestSignals(wh, "fear-greed", [row(0, 40, { available_at: seen })], { now: NOW });
  await ingestSignals(wh, "fear-greed", [row(0, 40)], { now: NOW }); // a file again: no later
  const r = await wh.one<{ a: string }>("SELECT available_at AS a FROM signals");
  assert.equal(Date.parse(r!.a), seen);
  wh.close();
});

Deno.test("ingestSignals() rejects bad rows with their reason and keeps the later of two conflicting rows in one batch", async () => {
  const wh = await openWarehouse(":memory:");
  const r = await ingestSignals(
    wh,
    "mine",
    [
      row(0, 1, { source: "mine", name: "x" }),
      row(0, 2, { source: "mine", name: "x", ref: "b.csv:9" }),
      row(1, NaN, { source: "mine", name: "x", ref: "b.csv:10" }),
      row(400, 3, { source: "mine", name: "x", ref: "b.csv:11" }),
      row(2, 3, { source: "mine", name: "Bad Name", ref: "b.csv:12" }),
    ],
    { now: NOW, rejects: [{ ref: "b.csv:13", reason: "not a data row", raw: "\t]" }] },
  );
  assert.deepEqual([r.rows_read, r.rows_loaded, r.rows_rejected, r.rows_duplicate], [6, 1, 5, 0]);
  const reasons = (await wh.rows<{ source_ref: string; reason: string }>(
    "SELECT source_ref, reason FROM rejects ORDER BY source_ref",
  )).map((x) => `${x.source_ref}: ${x.reason}`);
  assert.deepEqual(reasons, [
    "b.csv:10: x is not a number",
    "b.csv:11: dated 2026-02-05, in the future",
    'b.csv:12: signal name "Bad Name" is not a valid name',
    "b.csv:13: not a data row",
    "test:0: x for 2025-01-01 conflicts with 2 at b.csv:9 (the later row wins)",
  ]);
  assert.equal((await wh.one<{ v: number }>("SELECT value AS v FROM signals"))!.v, 2);
  wh.close();
});

Deno.test("a failed run leaves the warehouse unchanged and is recorded as failed", async () => {
  const wh = await openWarehouse(":memory:");
  await ingestSignals(wh, "fear-greed", [row(0, 40)], { now: NOW });
  await assert.rejects(() =>
    ingestSignals(wh, "fear-greed", [row(1, 41), row(2, 42, { raw: "{not json" })], { now: NOW })
  );
  const n = await wh.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM signals");
  assert.equal(n!.n, 1);
  const runs = await wh.rows<{ status: string; rows_read: number }>(
    "SELECT status, rows_read FROM ingest_runs ORDER BY started_at",
  );
  assert.deepEqual(runs.map((x) => x.status), ["ok", "failed"]);
  assert.equal(runs[1].rows_read, 0);
  wh.close();
});

Deno.test("property: rows_read = loaded + rejected + duplicate, and one stored row per key, for any batches", async () => {
  const wh = await openWarehouse(":memory:");
  const gen = fc.array(
    fc.record({
      day: fc.integer({ min: 0, max: 9 }),
      value: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(NaN)),
      symbol: fc.constantFrom(null, "BTC/USDT"),
    }),
    { maxLength: 30 },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(gen, { minLength: 1, maxLength: 3 }), async (batches) => {
      await wh.run("DELETE FROM signals");
      const keys = new Set<string>();
      for (const b of batches) {
        const r = await ingestSignals(
          wh,
          "p",
          b.map((x) => row(x.day, x.value, { source: "p", symbol: x.symbol })),
          { now: NOW },
        );
        assert.equal(r.rows_read, r.rows_loaded + r.rows_rejected + r.rows_duplicate);
        for (const x of b) if (Number.isFinite(x.value)) keys.add(`${x.symbol}|${x.day}`);
      }
      const n = await wh.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM signals");
      assert.equal(n!.n, keys.size);
    }),
    { numRuns: 40 },
  );
  wh.close();
});
