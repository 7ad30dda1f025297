import assert from "node:assert/strict";
import fc from "fast-check";
import { findGaps } from "./_gaps.ts";

Deno.test("findGaps() finds runs of missing candles between the first and the last", () => {
  assert.deepEqual(findGaps([0, 10, 40, 50, 80], 10), [
    { start: 20, end: 40, count: 2 },
    { start: 60, end: 80, count: 2 },
  ]);
  assert.deepEqual(findGaps([], 10), []);
  assert.deepEqual(findGaps([30, 10, 20, 20], 10), []);
});

Deno.test("findGaps() accounts for every missing slot exactly once", () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: 1 }), (slots) => {
      const times = slots.map((s) => s * 60_000);
      const gaps = findGaps(times, 60_000);
      const span = Math.max(...slots) - Math.min(...slots) + 1;
      const missing = gaps.reduce((n, g) => n + g.count, 0);
      assert.equal(missing, span - slots.length);
      for (const g of gaps) {
        for (let t = g.start; t < g.end; t += 60_000) assert.ok(!times.includes(t));
      }
    }),
  );
});
