import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { openWarehouse } from "../../warehouse/db.ts";
import { ingestBinanceDump } from "./binance_dump_fast.ts";

const FILE = fileURLToPath(new URL("./testdata/fast_dump_BTCUSDT-1m.csv", import.meta.url));
const T = Date.UTC(2025, 0, 1);
const NOW = T + 60 * 60_000;

Deno.test("ingestBinanceDump() reads ms and µs rows in DuckDB, rejects bad rows with file:line, accounts for all", async () => {
  const wh = await openWarehouse(":memory:");
  const r = await ingestBinanceDump(wh, FILE, { symbol: "BTC/USDT", timeframe: "1m", now: NOW });
  assert.equal(r.rows_read, 7);
  assert.equal(r.rows_read, r.rows_loaded + r.rows_rejected + r.rows_duplicate);
  const rows = await wh.rows<{ ts: string; close: number }>(
    "SELECT ts, close FROM ohlcv ORDER BY ts",
  );
  assert.equal(rows[1].ts, new Date(T + 60_000).toISOString(), "the µs row lands on its minute");
  assert.equal(
    rows.find((x) => x.ts === new Date(T + 4 * 60_000).toISOString())?.close,
    101.1,
    "the later row wins",
  );
  const rejects = await wh.rows<{ source_ref: string; reason: string }>(
    "SELECT source_ref, reason FROM rejects ORDER BY source_ref",
  );
  const byLine = (n: number) => rejects.find((x) => x.source_ref.endsWith(`:${n}`));
  assert.match(byLine(4)!.reason, /open "abc" is not a number/);
  assert.match(byLine(5)!.reason, /high 101 is below/);
  assert.match(byLine(6)!.reason, /later row wins|conflicts/);
  assert.equal(r.rows_loaded, 4);
  const again = await ingestBinanceDump(wh, FILE, {
    symbol: "BTC/USDT",
    timeframe: "1m",
    now: NOW,
  });
  assert.equal(again.rows_loaded, 0, "idempotent");
  assert.equal((await wh.one<{ n: number }>("SELECT count(*) AS n FROM ohlcv"))!.n, 4);
  wh.close();
});
