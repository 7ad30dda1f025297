import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { openWarehouse } from "../warehouse/db.ts";
import { ingestSample } from "../loaders/sample/mod.ts";
import { registerVersion, setAlias } from "../pipeline/registry/mod.ts";
import { naiveArtifact } from "../pipeline/testdata/artifact.ts";
import { cli } from "./testdata/run.ts";

Deno.test("update refuses to run beside another update (exit 75, names the holder) and leaves its lock alone", async () => {
  const dir = await Deno.makeTempDir();
  const lock = join(dir, ".update.lock");
  // This test process is alive: the lock is held.
  await Deno.writeTextFile(lock, `${Deno.pid}\n`);
  const r = await cli(["update"], { PREVISION_DB: join(dir, "w.duckdb") });
  assert.equal(r.code, 75, r.stderr);
  assert.match(r.stderr, new RegExp(`Another update is running \\(pid ${Deno.pid}\\)`));
  assert.equal((await Deno.readTextFile(lock)).trim(), String(Deno.pid));
  // Nothing was opened: no warehouse file appeared.
  await assert.rejects(() => Deno.stat(join(dir, "w.duckdb")));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("train and update name a bad --shard (exit 2)", async () => {
  const dir = await Deno.makeTempDir();
  for (const verb of ["train", "update"]) {
    const r = await cli([verb, "--shard", "4/3"], { PREVISION_DB: join(dir, "w.duckdb") });
    assert.equal(r.code, 2, `${verb}: ${r.stderr}`);
    assert.match(r.stderr, /--shard must be i\/n/);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a writer waits for another process holding the warehouse, then runs", async () => {
  const dir = await Deno.makeTempDir();
  const db = join(dir, "w.duckdb");
  // Hold the warehouse in a child process for ~3 s.
  const holder = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { openWarehouse } from "${new URL("../warehouse/db.ts", import.meta.url)}";
       const wh = await openWarehouse(${JSON.stringify(db)});
       console.log("held"); await new Promise((r) => setTimeout(r, 3000)); wh.close();`,
    ],
    stdout: "piped",
  }).spawn();
  const reader = holder.stdout.getReader();
  await reader.read(); // "held"
  reader.releaseLock();
  const t0 = Date.now();
  const r = await cli(["keys", "list"], { PREVISION_DB: db });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Waiting for the warehouse .* another process \(pid \d+\) is writing/);
  assert.ok(Date.now() - t0 >= 1000, "it waited");
  await holder.status;
  await holder.stdout.cancel().catch(() => {});
  await Deno.remove(dir, { recursive: true });
});

Deno.test("ingest --consolidate combines one symbol across exchanges, and names what it needs", async () => {
  const dir = await Deno.makeTempDir();
  const env = { PREVISION_DB: join(dir, "w.duckdb") };
  const file = "loaders/files/testdata/BTCUSDT-1h-2025-01.csv";
  for (const ex of ["alpha", "beta"]) {
    const r = await cli(["ingest", "--file", file, "--exchange", ex], env);
    assert.equal(r.code, 0, r.stderr);
  }
  const bad = await cli(["ingest", "--consolidate", "BTC/USDT", "--exchanges", "alpha"], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--consolidate SYMBOL needs --timeframe TF and --exchanges A,B/);
  const ok = await cli(
    ["ingest", "--consolidate", "BTC/USDT", "--timeframe", "1h", "--exchanges", "alpha,beta"],
    env,
  );
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /consolidate BTC\/USDT 1h from alpha, beta as consolidated: \d+ loaded/);
  const q = await cli([
    "sql",
    "--json",
    "SELECT exchange, count(*) AS n, sum(volume) AS v FROM ohlcv GROUP BY ALL ORDER BY 1",
  ], env);
  const rows = JSON.parse(q.stdout) as { exchange: string; n: number; v: number }[];
  const [a, b, c] = [rows[0], rows[1], rows.find((r) => r.exchange === "consolidated")!];
  assert.equal(c.n, a.n);
  assert.ok(Math.abs(c.v - (a.v + b.v)) < 1e-6 * c.v, "volumes add up");
  await Deno.remove(dir, { recursive: true });
});

const DAY = 86_400_000;

/**
 * A warehouse of daily sample candles (up to `now`, for each symbol) whose
 * series each have a naive champion with horizons 1 and 2 (no training
 * needed); returns the artifact paths by symbol.
 */
async function warehouseWithChampions(
  db: string,
  ends: Record<string, number>,
): Promise<Record<string, string>> {
  const wh = await openWarehouse(db);
  const paths: Record<string, string> = {};
  try {
    for (const [symbol, now] of Object.entries(ends)) {
      await ingestSample(wh, { now, days: 100, symbols: [symbol], timeframes: ["1d"] });
      const series = { exchange: "sample", symbol, timeframe: "1d" as const };
      const q = { 0.5: 0.7, 0.8: 1.3, 0.95: 2.1 };
      const trainedOn = { from: 0, to: 0, rows: 0 };
      const version_id = `naive-${symbol.replace("/", "-")}`;
      const v = await registerVersion(
        wh,
        join(dirname(db), "models"),
        await naiveArtifact(version_id, [{ h: 1, q, trainedOn }, { h: 2, q, trainedOn }], {
          exchange: "sample",
          symbol,
          timeframe: "1d",
        }),
        "card",
      );
      await setAlias(wh, "champion", version_id, series, "test");
      paths[symbol] = v.artifact_path;
    }
  } finally {
    wh.close();
  }
  return paths;
}

async function sqlJson<T>(db: string, query: string): Promise<T[]> {
  const r = await cli(["sql", "--json", query], { PREVISION_DB: db });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T[];
}

const current = async (dir: string) =>
  (await Deno.readTextFile(join(dir, "snapshots", "CURRENT"))).trim();

Deno.test({
  name:
    "update run twice without new candles writes no forecast rows and keeps the snapshot the second time",
  sanitizeResources: false,
  async fn() {
    // No new daily candle, nor hourly signal, may arrive between the runs.
    const left = 3_600_000 - Date.now() % 3_600_000;
    if (left < 60_000) await new Promise((r) => setTimeout(r, left + 1000));
    const dir = await Deno.makeTempDir();
    const db = join(dir, "w.duckdb");
    const env = { PREVISION_DB: db, PREVISION_SNAPSHOTS: join(dir, "snapshots") };
    await warehouseWithChampions(db, { "BTC/USDT": Date.now() });
    const count = async () =>
      (await sqlJson<{ n: number }>(db, "SELECT count(*) AS n FROM forecasts"))[0].n;
    const first = await cli(["update"], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /forecast BTC\/USDT 1d from .* by naive-BTC-USDT\n/);
    const written = await count();
    assert.equal(written, 2 * 3, "horizons 1 and 2 at three levels");
    const snapshot = await current(dir);

    const second = await cli(["update"], env);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(await count(), written, "no duplicate forecast rows");
    assert.equal(await current(dir), snapshot, "no new snapshot");
    assert.match(second.stdout, /by naive-BTC-USDT \(already issued: not written again\)/);
    assert.match(second.stdout, new RegExp(`update: nothing new: snapshot ${snapshot} kept`));
    const snapshots = [...Deno.readDirSync(join(dir, "snapshots"))].filter((e) => e.isDirectory);
    assert.equal(snapshots.length, 1);

    // An explicit forecast that writes nothing keeps the snapshot too.
    const again = await cli(["forecast"], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`forecast: nothing new: snapshot ${snapshot} kept`));
    assert.equal(await current(dir), snapshot);

    // A run that wrote but did not get to publish (killed, disk full): the next one, with
    // nothing new of its own, still sees the snapshot behind the warehouse and publishes.
    const wh = await openWarehouse(db);
    await wh.run("DELETE FROM forecasts WHERE horizon = 2 AND level = 0.5");
    wh.close();
    const catchUp = await cli(["update"], env);
    assert.equal(catchUp.code, 0, catchUp.stderr);
    assert.notEqual(await current(dir), snapshot, "published: the snapshot was behind");
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name:
    "forecast skips a champion whose artifact changed (exit 1, named), publishes the others, and warns of a stale series whose closed targets the ledger marks late",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const db = join(dir, "w.duckdb");
    const env = { PREVISION_DB: db, PREVISION_SNAPSHOTS: join(dir, "snapshots") };
    // BTC's candles stop three days ago; ETH's are current but its artifact was changed.
    const now = Date.now();
    const paths = await warehouseWithChampions(db, { "BTC/USDT": now - 3 * DAY, "ETH/USDT": now });
    await Deno.writeTextFile(paths["ETH/USDT"], " ", { append: true });
    const r = await cli(["forecast"], env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /forecast skipped: sample ETH\/USDT 1d \(version naive-ETH-USDT\): Model artifact .* refusing to serve a changed model/,
    );
    assert.match(r.stderr, /forecast: 1 series could not forecast/);
    const last = new Date(Math.floor(now / DAY) * DAY - 4 * DAY).toISOString().slice(0, 10);
    assert.match(
      r.stderr,
      new RegExp(
        `warning: sample BTC/USDT 1d: last stored candle ${last}T00:00:00Z is 3 candles behind the last closed one`,
      ),
    );
    assert.match(r.stdout, /forecast BTC\/USDT 1d from /);
    // Both of BTC's targets had closed when it was issued: late, none scored.
    assert.match(r.stdout, /ledger BTC\/USDT 1d naive-BTC-USDT: none scored yet \(2 late\)/);
    // The good series was written and published.
    const published = await openWarehouse(":memory:");
    try {
      const snap = join(dir, "snapshots", await current(dir), "forecasts.parquet");
      const rows = await published.rows<{ symbol: string; n: number }>(
        `SELECT symbol, count(*)::INTEGER AS n FROM read_parquet('${snap}') GROUP BY ALL`,
      );
      assert.deepEqual(rows, [{ symbol: "BTC/USDT", n: 6 }]);
    } finally {
      published.close();
    }
    await Deno.remove(dir, { recursive: true });
  },
});
