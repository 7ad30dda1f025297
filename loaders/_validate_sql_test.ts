import assert from "node:assert/strict";
import fc from "fast-check";
import { openWarehouse } from "../warehouse/db.ts";
import { type Timeframe, TIMEFRAMES } from "../core/candles.ts";
import { ingestSeries } from "./store.ts";
import { candleProblem, type SourcedCandle } from "./validate.ts";

const T0 = Date.UTC(2024, 0, 1);
const NOW = Date.UTC(2024, 6, 1);

Deno.test("the SQL row rules agree with candleProblem() on every row, reason included (property)", async () => {
  const wh = await openWarehouse(":memory:");
  const value = fc.oneof(
    { weight: 6, arbitrary: fc.double({ min: 1, max: 200, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(0, -1, -0.5, NaN, Infinity, -Infinity, 1e-9) },
  );
  const row = fc.record({
    open: value,
    high: value,
    low: value,
    close: value,
    volume: fc.oneof(value, fc.constant(0)),
    shift: fc.constantFrom(0, 0, 0, 1, 30_000),
    late: fc.boolean(),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<Timeframe>("1m", "1h", "1w"),
      fc.array(row, { maxLength: 30 }),
      async (tf, spec) => {
        await wh.run("DELETE FROM ohlcv");
        await wh.run("DELETE FROM rejects");
        const step = TIMEFRAMES[tf];
        // Distinct times: 3 steps apart, some shifted off the grid, some not closed at NOW.
        const rows: SourcedCandle[] = spec.map((s, i) => ({
          ts: (s.late ? NOW : T0) + 3 * i * step + s.shift,
          open: s.open,
          high: s.high,
          low: s.low,
          close: s.close,
          volume: s.volume,
          ref: `r${i}`,
        }));
        const r = await ingestSeries(wh, "prop", [{
          exchange: "x",
          symbol: "A/B",
          timeframe: tf,
          rows,
        }], { now: NOW });
        const rejects = new Map(
          (await wh.rows<{ source_ref: string; reason: string }>(
            "SELECT source_ref, reason FROM rejects",
          )).map((x) => [x.source_ref, x.reason]),
        );
        for (const c of rows) {
          assert.equal(rejects.get(c.ref), candleProblem(c, step, NOW), JSON.stringify(c));
        }
        assert.equal(r.rows_loaded, rows.filter((c) => !candleProblem(c, step, NOW)).length);
      },
    ),
    { numRuns: 40 },
  );
  wh.close();
});
