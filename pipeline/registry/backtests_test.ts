import assert from "node:assert/strict";
import { type BacktestRow, priceBacktestRows, withNulls } from "./backtests.ts";

Deno.test("priceBacktestRows() rebuilds prices and the 80% interval from log returns", () => {
  const [r] = priceBacktestRows(
    [{ fold: 1, origin: 1, h: 2, y: Math.log(1.1), yhat: 0, half: { 0.8: Math.log(2) } }],
    { ts: [0, 1000], close: [50, 100] },
    10,
  );
  assert.equal(r.origin_ts, 1000);
  assert.equal(r.target_ts, 1020);
  assert.equal(r.origin_close, 100);
  assert.ok(Math.abs(r.y! - 110) < 1e-9);
  assert.equal(r.yhat, 100);
  assert.ok(Math.abs(r.lower! - 50) < 1e-9 && Math.abs(r.upper! - 200) < 1e-9);
  assert.equal(r.level, 0.8);
});

Deno.test("withNulls() turns non-finite y, lower, upper and level into null, and keeps the rest", () => {
  const row: BacktestRow = {
    fold: 0,
    origin_ts: 1,
    target_ts: 2,
    horizon: 1,
    origin_close: 10,
    y: NaN,
    yhat: NaN,
    lower: Infinity,
    upper: 3,
    level: null,
  };
  assert.deepEqual(withNulls(row), { ...row, y: null, lower: null, yhat: NaN });
});
