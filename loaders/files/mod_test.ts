import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { openWarehouse, type Warehouse } from "../../warehouse/db.ts";
import {
  expandPaths,
  FileFormatError,
  ingestFiles,
  MissingOptionError,
  readCandleFile,
} from "./mod.ts";

const TD = fileURLToPath(new URL("./testdata/", import.meta.url));
const td = (name = "") => TD + name; // not through URL: `?` in a glob is not a query
const NOW = Date.UTC(2026, 0, 1);

const count = async (wh: Warehouse, table: string) =>
  (await wh.one<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n;

Deno.test("ingestFiles() counts unparsable rows as rejects with file:line, so the accounting holds", async () => {
  const wh = await openWarehouse(":memory:");
  const r = await ingestFiles(wh, td("Binance_SOLUSDT_1h.csv"), { now: NOW });
  assert.equal(r.status, "ok");
  assert.deepEqual([r.rows_read, r.rows_loaded, r.rows_rejected, r.rows_duplicate], [4, 2, 2, 0]);
  assert.deepEqual(r.files.map((f) => [f.format, f.rows]), [["cryptodatadownload", 4]]);
  const run = await wh.one<Record<string, number>>(
    "SELECT rows_read, rows_loaded, rows_rejected, rows_duplicate FROM ingest_runs",
  );
  assert.equal(run!.rows_read, run!.rows_loaded + run!.rows_rejected + run!.rows_duplicate);
  assert.equal(run!.rows_read, 4);
  const rej = await wh.rows<{ source_ref: string; reason: string }>(
    "SELECT source_ref, reason FROM rejects ORDER BY source_ref",
  );
  assert.deepEqual(rej.map((x) => x.source_ref.replace(/^.*\//, "")), [
    "Binance_SOLUSDT_1h.csv:4",
    "Binance_SOLUSDT_1h.csv:5",
  ]);
  assert.match(rej[0].reason, /open "abc" is not a number/);
  wh.close();
});

Deno.test("ingestFiles() keeps the later row of a spliced CDD hour and rejects the earlier one", async () => {
  const wh = await openWarehouse(":memory:");
  const r = await ingestFiles(wh, td("splice/Binance_BTCUSDT_1h.csv"), { now: NOW });
  assert.deepEqual([r.rows_read, r.rows_loaded, r.rows_rejected], [5, 4, 1]);
  const c = await wh.one<{ close: number }>(
    "SELECT close FROM ohlcv WHERE ts = '2024-01-01 02:00:00'",
  );
  assert.equal(c!.close, 303.5, "the later line (older export) wins, as validateCandles rules");
  wh.close();
});

Deno.test("ingestFiles() is idempotent: the same file again changes nothing", async () => {
  const wh = await openWarehouse(":memory:");
  await ingestFiles(wh, td("Binance_ETHUSDT_d.csv"), { now: NOW });
  const before = await wh.rows("SELECT * EXCLUDE (ingested_at) FROM ohlcv ORDER BY ts");
  const r = await ingestFiles(wh, td("Binance_ETHUSDT_d.csv"), { now: NOW });
  assert.deepEqual([r.rows_loaded, r.rows_duplicate], [0, 4]);
  assert.deepEqual(await wh.rows("SELECT * EXCLUDE (ingested_at) FROM ohlcv ORDER BY ts"), before);
  wh.close();
});

Deno.test("ingestFiles() excludes the still-open candle at `now`", async () => {
  const wh = await openWarehouse(":memory:");
  const r = await ingestFiles(wh, td("Binance_ETHUSDT_d.csv"), {
    now: Date.UTC(2024, 0, 4, 12),
  });
  assert.deepEqual([r.rows_loaded, r.rows_rejected], [3, 1]);
  assert.match(
    (await wh.one<{ reason: string }>("SELECT reason FROM rejects"))!.reason,
    /not closed/,
  );
  wh.close();
});

Deno.test("ingestFiles() loads a folder's files in one run and skips non-data files", async () => {
  const wh = await openWarehouse(":memory:");
  const r = await ingestFiles(wh, td("folder"), { now: NOW });
  assert.deepEqual(r.files.map((f) => f.path.replace(/^.*\//, "")), [
    "BTCUSDT-1h-2025-01.csv",
    "BTCUSDT-1h-2025-02.csv",
  ]);
  assert.equal(r.rows_loaded, 5);
  assert.equal(await count(wh, "ingest_runs"), 1);
  wh.close();
});

Deno.test("ingestFiles() leaves the warehouse as it was when one file of a glob is not usable", async () => {
  const wh = await openWarehouse(":memory:");
  await ingestFiles(wh, td("Binance_ETHUSDT_d.csv"), { now: NOW });
  const before = await wh.rows("SELECT * EXCLUDE (ingested_at) FROM ohlcv ORDER BY ts");
  await assert.rejects(
    () => ingestFiles(wh, td("coin_Litecoin*.csv"), { now: NOW }),
    FileFormatError,
  );
  await assert.rejects(
    () => ingestFiles(wh, td("*.json"), { now: NOW }),
    (e: unknown) => e instanceof MissingOptionError && e.option === "--exchange",
  );
  assert.deepEqual(await wh.rows("SELECT * EXCLUDE (ingested_at) FROM ohlcv ORDER BY ts"), before);
  assert.equal(await count(wh, "rejects"), 0);
  wh.close();
});

Deno.test("ingestFiles() names the missing --symbol and the file", async () => {
  const wh = await openWarehouse(":memory:");
  await assert.rejects(
    () => ingestFiles(wh, td("klines.json"), { now: NOW }),
    /klines\.json.*--symbol/,
  );
  const r = await ingestFiles(wh, td("klines.json"), { now: NOW, symbol: "ADA/USDT" });
  assert.equal(r.rows_loaded, 3);
  assert.equal(
    (await wh.one<{ symbol: string }>("SELECT DISTINCT symbol FROM ohlcv"))!.symbol,
    "ADA/USDT",
  );
  wh.close();
});

Deno.test("expandPaths() expands files, folders and globs, sorted", async () => {
  assert.deepEqual(await expandPaths(td("ETH-USD.csv")), [td("ETH-USD.csv")]);
  const g = await expandPaths(td("*/BTCUSDT-1h-2025-0?.csv"));
  assert.deepEqual(g.map((p) => p.slice(td().length)), [
    "folder/BTCUSDT-1h-2025-01.csv",
    "folder/BTCUSDT-1h-2025-02.csv",
  ]);
  await assert.rejects(() => expandPaths(td("nothing-*.csv")), Deno.errors.NotFound);
  await assert.rejects(() => expandPaths(td("missing.csv")), Deno.errors.NotFound);
});

Deno.test("expandPaths() follows symbolic links in folders and globs, and names a loop or a broken link", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "prevision-links-" });
  try {
    const j = (...p: string[]) => [tmp, ...p].join("/");
    for (const d of ["src", "in", "loop", "broken", "star"]) await Deno.mkdir(j(d));
    await Deno.copyFile(td("ETH-USD.csv"), j("src", "ETH-USD.csv"));
    await Deno.symlink(j("src", "ETH-USD.csv"), j("in", "ETH-USD.csv"));
    await Deno.symlink(j("src"), j("in", "sub"));
    await Deno.symlink(j("src", "ETH-USD.csv"), j("src", "again.csv"));
    assert.deepEqual(await expandPaths(j("in")), [j("in", "ETH-USD.csv")], "folder");
    assert.deepEqual(await expandPaths(j("in", "*.csv")), [j("in", "ETH-USD.csv")], "glob");
    assert.deepEqual(
      await expandPaths(j("in", "s*", "*.csv")),
      [j("in", "sub", "ETH-USD.csv")],
      "a linked folder is entered; a file reached twice is read once",
    );
    await Deno.symlink(j("loop", "b.csv"), j("loop", "a.csv"));
    await Deno.symlink(j("loop", "a.csv"), j("loop", "b.csv"));
    await assert.rejects(
      () => expandPaths(j("loop")),
      /loop\/a\.csv: its symbolic links form a loop/,
    );
    await assert.rejects(() => expandPaths(j("loop", "a.csv")), /symbolic links form a loop/);
    await Deno.symlink(j("gone.csv"), j("broken", "x.csv"));
    await assert.rejects(
      () => expandPaths(j("broken", "*.csv")),
      /symbolic link to .*gone\.csv, which does not exist/,
    );
    await Deno.copyFile(td("ETH-USD.csv"), j("star", "f-*.csv"));
    await Deno.copyFile(td("ETH-USD.csv"), j("star", "f-x.csv"));
    assert.deepEqual(
      await expandPaths(j("star", "f-*.csv")),
      [j("star", "f-*.csv")],
      "an existing path is exact",
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("readCandleFile() decodes UTF-16 with a byte-order mark and names UTF-16 without one", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "prevision-utf16-" });
  try {
    const text = await Deno.readTextFile(td("ETH-USD.csv"));
    const utf16 = (s: string, be: boolean) => {
      const out = new Uint8Array(s.length * 2);
      for (let i = 0; i < s.length; i++) {
        out[2 * i + (be ? 1 : 0)] = s.charCodeAt(i) & 0xff;
        out[2 * i + (be ? 0 : 1)] = s.charCodeAt(i) >> 8;
      }
      return out;
    };
    const want = await readCandleFile(td("ETH-USD.csv"));
    for (const [name, be] of [["le", false], ["be", true]] as const) {
      const bom = be ? [0xfe, 0xff] : [0xff, 0xfe];
      const path = `${tmp}/ETH-USD-${name}.csv`;
      await Deno.writeFile(path, new Uint8Array([...bom, ...utf16(text, be)]));
      const got = await readCandleFile(path);
      assert.equal(got.format, want.format, name);
      assert.deepEqual(got.series.map((s) => s.rows.length), want.series.map((s) => s.rows.length));
    }
    const bare = `${tmp}/ETH-USD-bare.csv`;
    await Deno.writeFile(bare, utf16(text, false));
    await assert.rejects(
      () => readCandleFile(bare),
      /ETH-USD-bare\.csv: it looks like UTF-16LE text/,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
