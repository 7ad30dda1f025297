import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse } from "./db.ts";
import { migrate, MIGRATIONS, SCHEMA_VERSION } from "./schema.ts";

Deno.test("openWarehouse() creates the schema with its version, and reopening keeps data", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "w.duckdb");
  let wh = await openWarehouse(path);
  const v = await wh.one<{ v: number }>("SELECT max(version) AS v FROM schema_version");
  assert.equal(v?.v, SCHEMA_VERSION);
  for (
    const t of [
      "ohlcv",
      "ingest_runs",
      "rejects",
      "signals",
      "model_runs",
      "run_metrics",
      "backtest_predictions",
      "model_versions",
      "model_aliases",
      "forecasts",
      "api_requests",
    ]
  ) {
    assert.ok(await wh.one(`SELECT * FROM ${t} LIMIT 0`) === undefined, t);
  }
  await wh.run(
    "INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume) VALUES ('x','A/B','1d','2024-01-01',1,2,0.5,1.5,10)",
  );
  wh.close();
  wh = await openWarehouse(path);
  assert.equal((await wh.one<{ n: number }>("SELECT count(*) AS n FROM ohlcv"))?.n, 1);
  wh.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("migrate() runs new migrations forward and never loses rows", async () => {
  const wh = await openWarehouse(":memory:");
  await wh.run(
    "INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume) VALUES ('x','A/B','1d','2024-01-01',1,2,0.5,1.5,10)",
  );
  const next = [...MIGRATIONS, {
    version: SCHEMA_VERSION + 1,
    description: "test: a new column",
    sql: "ALTER TABLE ohlcv ADD COLUMN trades BIGINT",
  }];
  assert.equal(await migrate(wh, next), SCHEMA_VERSION + 1);
  assert.equal(await migrate(wh, next), SCHEMA_VERSION + 1, "a second run is a no-op");
  const row = await wh.one<{ n: number; trades: unknown }>(
    "SELECT count(*) AS n, any_value(trades) AS trades FROM ohlcv",
  );
  assert.equal(row?.n, 1);
  assert.equal(row?.trades, null);
  wh.close();
});

Deno.test("migrate() refuses a warehouse written by a newer version", async () => {
  const wh = await openWarehouse(":memory:");
  await wh.run("INSERT INTO schema_version (version, description) VALUES (?, 'future')", [
    SCHEMA_VERSION + 5,
  ]);
  await assert.rejects(() => migrate(wh), /newer than this code/);
  wh.close();
});

Deno.test("migrate() rolls a failing migration back entirely", async () => {
  const wh = await openWarehouse(":memory:");
  const bad = [...MIGRATIONS, {
    version: SCHEMA_VERSION + 1,
    description: "broken",
    sql: "CREATE TABLE half_done (x INTEGER); SELECT * FROM no_such_table",
  }];
  await assert.rejects(() => migrate(wh, bad));
  assert.equal(
    (await wh.one<{ v: number }>("SELECT max(version) AS v FROM schema_version"))?.v,
    SCHEMA_VERSION,
  );
  assert.equal(
    (await wh.rows("SELECT * FROM information_schema.tables WHERE table_name = 'half_done'"))
      .length,
    0,
  );
  wh.close();
});

Deno.test("migration 4 rebuilds ohlcv without its primary key, keeping every row and the views", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "v3.duckdb");
  let wh = await openWarehouse(path, { migrate: false });
  const v3 = MIGRATIONS.filter((m) => m.version <= 3);
  await migrate(wh, v3);
  const pk = () =>
    wh.rows(
      "SELECT * FROM duckdb_constraints() WHERE table_name = 'ohlcv' AND constraint_type = 'PRIMARY KEY'",
    );
  assert.equal((await pk()).length, 1, "v3 has the primary key");
  for (const [i, day] of ["2024-01-03", "2024-01-01", "2024-01-02", "2024-01-05"].entries()) {
    await wh.run(
      `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume, run_id)
       VALUES ('x', 'A/B', '1d', ?::TIMESTAMP, 1, 2, 0.5, ?, 10, 'r1')`,
      [day, 1 + i / 10],
    );
  }
  const before = await wh.rows("SELECT * FROM ohlcv ORDER BY ts");
  wh.close();
  wh = await openWarehouse(path, { migrate: false });
  await migrate(wh, MIGRATIONS.filter((m) => m.version <= 4));
  wh.close();
  wh = await openWarehouse(path, { migrate: false });
  assert.equal((await pk()).length, 0, "v4 has none");
  assert.deepEqual(await wh.rows("SELECT * FROM ohlcv ORDER BY ts"), before);
  const cov = await wh.one<{ present: number; missing: number }>(
    "SELECT present, missing FROM coverage",
  );
  assert.deepEqual(cov, { present: 4, missing: 1 });
  assert.equal((await wh.one<{ n: number }>("SELECT candles AS n FROM markets"))?.n, 4);
  assert.equal((await wh.rows("SELECT * FROM gaps")).length, 1);
  await wh.rows("SELECT * FROM outliers");
  wh.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("migration 5 adds the forecast_ledger view over a v4 warehouse's forecasts", async () => {
  const wh = await openWarehouse(":memory:", { migrate: false });
  await migrate(wh, MIGRATIONS.filter((m) => m.version <= 4));
  for (const [ts, close] of [["2024-01-01", 100], ["2024-01-02", 90]] as const) {
    await wh.run(
      `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume)
       VALUES ('x', 'A/B', '1d', ?::TIMESTAMP, 1, 200, 1, ?, 1)`,
      [ts, close],
    );
  }
  await wh.run(
    `INSERT INTO forecasts (version_id, exchange, symbol, timeframe, issued_at, origin_ts, ts,
       horizon, yhat, lower, upper, level)
     VALUES ('v', 'x', 'A/B', '1d', '2024-01-02 00:05', '2024-01-01', '2024-01-02', 1, 99, 95, 105, 0.8)`,
  );
  assert.equal(await migrate(wh, MIGRATIONS.filter((m) => m.version <= 5)), 5);
  const r = await wh.one<Record<string, unknown>>("SELECT * FROM forecast_ledger");
  assert.equal(r?.status, "scored");
  assert.equal(r?.realized, 90);
  assert.equal(r?.error_price, 9);
  assert.equal(r?.naive_error_price, 10);
  assert.equal(r?.covered_80, false);
  assert.equal(r?.covered_50, null, "no 50% interval was issued");
  wh.close();
});

Deno.test("migration 6 marks a v5 warehouse's forecasts issued after their target closed late", async () => {
  const wh = await openWarehouse(":memory:", { migrate: false });
  await migrate(wh, MIGRATIONS.filter((m) => m.version <= 5));
  for (
    const [ts, close] of [["2024-01-01", 100], ["2024-01-02", 90], ["2024-01-03", 95]] as const
  ) {
    await wh.run(
      `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume)
       VALUES ('x', 'A/B', '1d', ?::TIMESTAMP, 1, 200, 1, ?, 1)`,
      [ts, close],
    );
  }
  // From the 01-01 candle: issued on time (01-02 00:05), and three days late (01-04 00:05),
  // when the 01-02 and 01-03 targets had closed; the 01-04 target was still open then (and is not stored).
  for (
    const [issued, ts, h] of [
      ["2024-01-02 00:05", "2024-01-02", 1],
      ["2024-01-02 00:05", "2024-01-03", 2],
      ["2024-01-04 00:05", "2024-01-02", 1],
      ["2024-01-04 00:05", "2024-01-03", 2],
      ["2024-01-04 00:05", "2024-01-04", 3],
    ] as const
  ) {
    await wh.run(
      `INSERT INTO forecasts (version_id, exchange, symbol, timeframe, issued_at, origin_ts, ts,
         horizon, yhat, lower, upper, level)
       VALUES ('v', 'x', 'A/B', '1d', ?::TIMESTAMP, '2024-01-01', ?::TIMESTAMP, ?, 99, 95, 105, 0.8)`,
      [issued, ts, h],
    );
  }
  const status = () =>
    wh.rows<{ issued_at: string; horizon: number; status: string }>(
      "SELECT issued_at, horizon, status FROM forecast_ledger ORDER BY issued_at, horizon",
    );
  assert.deepEqual((await status()).map((r) => r.status), [
    "scored",
    "scored",
    "scored",
    "scored",
    "pending",
  ], "v5 scores the late ones");
  assert.equal(await migrate(wh), SCHEMA_VERSION);
  assert.deepEqual((await status()).map((r) => r.status), [
    "scored",
    "scored",
    "late",
    "late",
    "pending",
  ]);
  const late = await wh.one<Record<string, unknown>>(
    "SELECT * FROM forecast_ledger WHERE status = 'late' AND horizon = 1",
  );
  assert.equal(late?.realized, 90, "what happened is still shown");
  assert.equal(late?.reissue, true);
  wh.close();
});
