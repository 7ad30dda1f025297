import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse, outOfSpaceMessage } from "./db.ts";

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

Deno.test("Warehouse.run() names a full temp directory as out of disk space, with its path", async () => {
  const dir = await Deno.makeTempDir({ prefix: "prevision-nospace-" });
  const wh = await openWarehouse(`${dir}/w.duckdb`);
  try {
    // A temp directory that can hold nothing stands for a full disk: DuckDB says "Out of Memory".
    await wh.run(
      "SET memory_limit = '32MB'; SET max_temp_directory_size = '1MiB'; SET threads = 1",
    );
    await assert.rejects(
      wh.run(
        "CREATE TEMP TABLE big AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(2000000) ORDER BY s",
      ),
      (err: Error) => {
        assert.equal(err.name, "OutOfSpaceError", err.message);
        assert.match(
          err.message,
          /^Out of disk space: DuckDB could not spill to its temp directory .*w\.duckdb\.tmp/,
        );
        return true;
      },
    );
  } finally {
    wh.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("outOfSpaceMessage() names the file for a failed write", () => {
  assert.equal(
    outOfSpaceMessage(
      'IO Error: Could not write file "/d/w.duckdb": No space left on device\nmore',
      "/d/w.duckdb",
      "",
    ),
    "Out of disk space: DuckDB could not write to /d/w.duckdb (or its temp directory /d/w.duckdb.tmp). " +
      'Free space on that disk and run again (DuckDB said: IO Error: Could not write file "/d/w.duckdb": No space left on device)',
  );
});
