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

Deno.test("stageBinanceDump() names the right file:line for every reject, across unreadable lines and files", async () => {
  const { ingestStaged } = await import("../store.ts");
  const { stageBinanceDump } = await import("./binance_dump_fast.ts");
  const dir = await Deno.makeTempDir();
  const m = (i: number) => T + i * 60_000;
  const a = `${dir}/BTCUSDT-1m-a.csv`, b = `${dir}/BTCUSDT-1m-b.csv`;
  await Deno.writeTextFile(
    a,
    [
      "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore",
      `${m(0)},100,101,99,100.5,1,0,0,0,0,0,0`,
      `${m(1)},abc,101,99,100.5,1,0,0,0,0,0,0`,
      `${m(2)},100,101,99,100.5,1,0,0,0,0,0,0`,
      `${m(3)},100,101`,
      `${m(4)},100,99,98,100.5,1,0,0,0,0,0,0`,
      `${m(5)},100,101,99,,1,0,0,0,0,0,0`,
      `${m(6)},100,101,99,100.5,1,0,0,0,0,0,0`,
    ].join("\n") + "\n",
  );
  await Deno.writeTextFile(
    b,
    [
      `x,100,101,99,100.5,1,0,0,0,0,0,0`,
      `${m(7)},100,101,99,100.5,1,0,0,0,0,0,0`,
      `${m(8) + 5},100,101,99,100.5,1,0,0,0,0,0,0`,
      `${m(9)}000,100,101,99,100.5,1,0,0,0,0,0,0`,
    ].join("\n") + "\n",
  );
  const wh = await openWarehouse(":memory:");
  const market = { exchange: "binance", symbol: "BTC/USDT", timeframe: "1m" as const };
  const r = await ingestStaged(wh, "file", [
    async (ord) => (await stageBinanceDump(wh, a, ord, market)).next,
    async (ord) => (await stageBinanceDump(wh, b, ord, market)).next,
  ], { now: NOW, exchanges: ["binance"] });
  assert.deepEqual([r.rows_read, r.rows_loaded, r.rows_rejected, r.rows_duplicate], [11, 5, 6, 0]);
  const rejects = await wh.rows<{ source_ref: string; reason: string }>(
    "SELECT source_ref, reason FROM rejects ORDER BY source_ref",
  );
  assert.deepEqual(rejects.map((x) => [x.source_ref.replace(dir + "/", ""), x.reason]), [
    ["BTCUSDT-1m-a.csv:3", 'open "abc" is not a number'],
    ["BTCUSDT-1m-a.csv:5", "cannot read the line: Expected Number of Columns: 6 Found: 3"],
    ["BTCUSDT-1m-a.csv:6", "high 99 is below max(open 100, close 100.5)"],
    ["BTCUSDT-1m-a.csv:7", 'close "" is not a number'],
    ["BTCUSDT-1m-b.csv:1", 'time "x" is not a time'],
    [
      "BTCUSDT-1m-b.csv:3",
      `time ${new Date(m(8) + 5).toISOString()} is not aligned to the timeframe`,
    ],
  ]);
  const loaded = await wh.rows<{ ts: string }>("SELECT ts FROM ohlcv ORDER BY ts");
  assert.deepEqual(
    loaded.map((x) => x.ts),
    [0, 2, 6, 7, 9].map((i) => new Date(m(i)).toISOString()),
  );
  wh.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("ingestBinanceDump() reads the named file only, even when its name is a glob", async () => {
  const dir = await Deno.makeTempDir({ prefix: "prevision-dump-glob-" });
  try {
    const neighbour = `${T + 30 * 60_000},1,2,0.5,1.5,10,${T + 31 * 60_000 - 1},15,3,5,7,0\n`;
    for (const [name, decoy] of [["[x]", "x"], ["*", "other"], ["?", "q"]]) {
      const wh = await openWarehouse(":memory:");
      const path = `${dir}/BTCUSDT-1m-${name}.csv`;
      await Deno.copyFile(FILE, path);
      await Deno.writeTextFile(`${dir}/BTCUSDT-1m-${decoy}.csv`, neighbour);
      const r = await ingestBinanceDump(wh, path, {
        symbol: "BTC/USDT",
        timeframe: "1m",
        now: NOW,
      });
      assert.equal(r.rows_read, 7, `${name}: only the named file's rows are read`);
      const ts = await wh.rows<{ ts: string }>("SELECT ts FROM ohlcv ORDER BY ts");
      assert.ok(!ts.some((x) => x.ts === new Date(T + 30 * 60_000).toISOString()), name);
      wh.close();
      await Deno.remove(path);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
