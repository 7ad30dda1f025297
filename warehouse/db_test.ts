import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse } from "./db.ts";

Deno.test("Warehouse.columns() returns empty columns, named, for a query with no rows", async () => {
  const dir = await Deno.makeTempDir();
  const wh = await openWarehouse(join(dir, "w.duckdb"));
  try {
    assert.deepEqual(
      await wh.columns("SELECT ts, close FROM ohlcv WHERE symbol = ?", ["DOGE/USDT"]),
      { ts: [], close: [] },
    );
    assert.deepEqual(await wh.rows("SELECT ts FROM ohlcv WHERE symbol = ?", ["DOGE/USDT"]), []);
    assert.equal(await wh.one("SELECT ts FROM ohlcv"), undefined);
  } finally {
    wh.close();
    await Deno.remove(dir, { recursive: true });
  }
});
