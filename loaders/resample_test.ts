import assert from "node:assert/strict";
import fc from "fast-check";
import { openWarehouse } from "../warehouse/db.ts";
import { ingestSeries } from "./store.ts";
import { resample } from "../core/candles.ts";
import { resampleSeries } from "./resample.ts";
import { generateSample } from "./sample/generator.ts";

const H = 3_600_000;
const END = Date.UTC(2025, 2, 10);

Deno.test("resampleSeries() in DuckDB matches resample() in JS, complete buckets only", async () => {
  const wh = await openWarehouse(":memory:");
  const [gen] = generateSample({
    start: END - 20 * 24 * H,
    end: END,
    symbols: ["SOL/USDT"],
    timeframes: ["1h"],
  });
  // Two hours missing: their 4h buckets are incomplete and must be left out.
  const s = { candles: gen.candles.filter((_, i) => i !== 5 && i !== 50) };
  const rows = s.candles.map((c) => ({ ...c, ref: "gen" }));
  await ingestSeries(wh, "test", [{ exchange: "x", symbol: "SOL/USDT", timeframe: "1h", rows }], {
    now: END,
  });
  const r = await resampleSeries(wh, {
    exchange: "x",
    symbol: "SOL/USDT",
    from: "1h",
    to: "4h",
    now: END,
  });
  // JS reference: buckets with all four hours present.
  const counts = new Map<number, number>();
  for (const c of s.candles) {
    counts.set(
      Math.floor(c.ts / (4 * H)) * 4 * H,
      (counts.get(Math.floor(c.ts / (4 * H)) * 4 * H) ?? 0) + 1,
    );
  }
  const expected = resample(s.candles, "4h", { until: END }).filter((c) => counts.get(c.ts) === 4);
  const got = await wh.rows<
    { ts: string; open: number; high: number; low: number; close: number; volume: number }
  >(
    "SELECT ts, open, high, low, close, volume FROM ohlcv WHERE timeframe = '4h' ORDER BY ts",
  );
  assert.equal(r.loaded, expected.length);
  assert.ok(r.incomplete >= 2, `${r.incomplete} incomplete buckets`);
  got.forEach((g, i) => {
    const e = expected[i];
    assert.equal(Date.parse(g.ts), e.ts);
    assert.deepEqual([g.open, g.high, g.low, g.close], [e.open, e.high, e.low, e.close]);
    assert.ok(Math.abs(g.volume - e.volume) < 1e-6 * e.volume);
  });
  const again = await resampleSeries(wh, {
    exchange: "x",
    symbol: "SOL/USDT",
    from: "1h",
    to: "4h",
    now: END,
  });
  assert.equal(again.loaded, 0, "idempotent");
  wh.close();
});

Deno.test("resampleSeries() refuses a finer or non-multiple target", async () => {
  const wh = await openWarehouse(":memory:");
  await assert.rejects(
    () => resampleSeries(wh, { exchange: "x", symbol: "A/B", from: "1d", to: "1h" }),
    /coarser multiple/,
  );
  wh.close();
});

Deno.test("resample() keeps OHLC invariants (property)", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.double({ min: 1, max: 100, noNaN: true }),
          fc.double({ min: 1, max: 100, noNaN: true }),
          fc.double({ min: 0, max: 10, noNaN: true }),
        ),
        { minLength: 1, maxLength: 60 },
      ),
      (xs) => {
        const candles = xs.map(([a, b, v], i) => ({
          ts: i * H,
          open: a,
          close: b,
          high: Math.max(a, b) + 1,
          low: Math.min(a, b) / 2,
          volume: v,
        }));
        for (const c of resample(candles, "4h")) {
          assert.ok(c.high >= Math.max(c.open, c.close) && c.low <= Math.min(c.open, c.close));
        }
        const total = resample(candles, "1d").reduce((s, c) => s + c.volume, 0);
        assert.ok(Math.abs(total - candles.reduce((s, c) => s + c.volume, 0)) < 1e-9 * (1 + total));
      },
    ),
  );
});

Deno.test("resampleSeries() updates a bucket whose candles changed, keeping one row per candle", async () => {
  const wh = await openWarehouse(":memory:");
  const T = Date.UTC(2025, 0, 6);
  const hour = (i: number, close: number) => ({
    ts: T + i * H,
    open: 100,
    high: 110,
    low: 90,
    close,
    volume: 1,
    ref: `h${i}`,
  });
  const ingest = (rows: ReturnType<typeof hour>[]) =>
    ingestSeries(wh, "test", [{ exchange: "x", symbol: "A/B", timeframe: "1h", rows }], {
      now: T + 30 * H,
    });
  const resample4h = () =>
    resampleSeries(wh, { exchange: "x", symbol: "A/B", from: "1h", to: "4h", now: T + 30 * H });
  await ingest([0, 1, 2, 3, 4, 5, 6, 7].map((i) => hour(i, 100)));
  assert.equal((await resample4h()).loaded, 2);
  await ingest([hour(3, 105)]); // a newer source changes the last hour of the first bucket
  const r = await resample4h();
  assert.deepEqual([r.loaded, r.duplicate], [1, 1]);
  const rows = await wh.rows<{ ts: string; close: number; n: number }>(
    `SELECT ts, any_value(close) AS close, count(*) AS n FROM ohlcv WHERE timeframe = '4h'
     GROUP BY ts ORDER BY ts`,
  );
  assert.deepEqual(rows.map((x) => [x.close, x.n]), [[105, 1], [100, 1]]);
  wh.close();
});
