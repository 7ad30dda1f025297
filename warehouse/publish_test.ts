import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse } from "./db.ts";
import { publishSnapshot } from "./publish.ts";
import { snapshotRoot } from "./snapshot.ts";

async function warehouseWithCandles(dir: string) {
  const wh = await openWarehouse(join(dir, "w.duckdb"));
  await wh.run(
    `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume)
     SELECT 'x', s, '1h', TIMESTAMP '2026-01-01' + INTERVAL (i) HOUR, 1, 2, 0.5, 1.5, 10
     FROM (VALUES ('BTC/USDT', 3), ('ETH/USDT', 2)) v(s, n), range(n) r(i)`,
  );
  return wh;
}

Deno.test("publishSnapshot() records the row count of every published file in manifest.json", async () => {
  const dir = await Deno.makeTempDir({ prefix: "prevision-publish-" });
  const wh = await warehouseWithCandles(dir);
  try {
    const m = await publishSnapshot(wh);
    const root = snapshotRoot(wh.path);
    const onDisk = JSON.parse(await Deno.readTextFile(join(root, m.id, "manifest.json")));
    assert.deepEqual(onDisk.files, m.files);
    assert.deepEqual(Object.keys(onDisk).sort(), [
      "created_at",
      "files",
      "id",
      "mark",
      "schema_version",
      "tables",
    ]);
    const ohlcv = Object.entries(m.files).filter(([f]) => f.startsWith("ohlcv/"));
    assert.deepEqual(ohlcv.map(([f, n]) => [f.split("/").slice(0, 4).join("/"), n]), [
      ["ohlcv/exchange=x/symbol_key=BTC-USDT/timeframe=1h", 3],
      ["ohlcv/exchange=x/symbol_key=ETH-USDT/timeframe=1h", 2],
    ]);
    for (const [t, n] of Object.entries(m.tables)) {
      if (t !== "ohlcv") assert.equal(m.files[`${t}.parquet`], n, t);
    }
    const parquet: string[] = [];
    const walk = async (d: string, rel: string) => {
      for await (const e of Deno.readDir(d)) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory) await walk(join(d, e.name), r);
        else if (e.name.endsWith(".parquet")) parquet.push(r);
      }
    };
    await walk(join(root, m.id), "");
    assert.deepEqual(parquet.sort(), Object.keys(m.files).sort(), "every file is listed");
  } finally {
    wh.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("publishSnapshot() removes what killed publishes left, never a newer publish's folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "prevision-publish-" });
  const wh = await warehouseWithCandles(dir);
  try {
    const root = snapshotRoot(wh.path);
    const first = await publishSnapshot(wh);
    const killed = ".tmp-20200101-000000000Z-deadbeef";
    const pointer = ".CURRENT-20200101-000000000Z-deadbeef";
    const newer = ".tmp-29990101-000000000Z-cafecafe";
    for (const d of [killed, newer]) {
      await Deno.mkdir(join(root, d, "ohlcv"), { recursive: true });
      await Deno.writeFile(join(root, d, "ohlcv", "part.parquet"), new Uint8Array(1024));
    }
    await Deno.writeTextFile(join(root, pointer), "x\n");
    const old = new Date("2020-01-01T00:00:00Z");
    for (const p of [killed, pointer]) await Deno.utime(join(root, p), old, old);
    const second = await publishSnapshot(wh);
    const names = (await Array.fromAsync(Deno.readDir(root))).map((e) => e.name).sort();
    assert.deepEqual(names, ["CURRENT", first.id, second.id, newer].sort());
  } finally {
    wh.close();
    await Deno.remove(dir, { recursive: true });
  }
});
