import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse } from "./db.ts";
import { publishSnapshot } from "./publish.ts";
import { openSnapshot, snapshotRoot } from "./snapshot.ts";

Deno.test("openSnapshot() checks and reads a snapshot by its exact path, glob characters and all", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "data-[x]", "w.duckdb");
  const wh = await openWarehouse(path);
  await wh.run(
    `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume)
     SELECT 'x', 'BTC/USDT', '1h', TIMESTAMP '2026-01-01' + to_hours(i::BIGINT), 1, 2, 0.5, 1.5, 10
     FROM range(5) t(i)`,
  );
  await publishSnapshot(wh);
  wh.close();
  const root = snapshotRoot(path);
  const snap = await openSnapshot(root);
  try {
    assert.deepEqual(await snap.db.rows("SELECT count(*) AS n FROM ohlcv"), [{ n: 5 }]);
    assert.deepEqual(await snap.db.rows("SELECT candles FROM markets"), [{ candles: 5 }]);
  } finally {
    snap.db.close();
  }
});
