import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse } from "./db.ts";
import { publishSnapshot } from "./publish.ts";
import { openSnapshot, snapshotRoot } from "./snapshot.ts";

Deno.test("champions view: one row per series, the alias in force with its version and run, in the warehouse and in a snapshot", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "w.duckdb");
  const wh = await openWarehouse(path);
  await wh.run(
    `INSERT INTO model_runs (run_id, model, exchange, symbol, timeframe, seed, params, feature_set,
       feature_set_hash, data_end, started_at, status)
     VALUES ('r1', 'naive', 'x', 'BTC/USDT', '1h', 0, '{}', 'core-v2', 'h1', '2026-01-01', now(), 'ok'),
            ('r2', 'xgboost', 'x', 'BTC/USDT', '1h', 0, '{}', 'core-v2', 'h2', '2026-02-01', now(), 'ok')`,
  );
  await wh.run(
    `INSERT INTO model_versions (version_id, run_id, model, exchange, symbol, timeframe,
       artifact_path, artifact_sha256, created_at)
     VALUES ('v1', 'r1', 'naive', 'x', 'BTC/USDT', '1h', 'a1', 's1', now()),
            ('v2', 'r2', 'xgboost', 'x', 'BTC/USDT', '1h', 'a2', 's2', now())`,
  );
  await wh.run(
    `INSERT INTO model_aliases (alias, version_id, exchange, symbol, timeframe, set_at, unset_at, reason)
     VALUES ('champion', 'v1', 'x', 'BTC/USDT', '1h', '2026-01-02', '2026-02-02', 'first'),
            ('champion', 'v2', 'x', 'BTC/USDT', '1h', '2026-02-02', NULL, 'beat naive'),
            ('challenger', 'v1', 'x', 'BTC/USDT', '1h', '2026-02-02', NULL, 'lost')`,
  );
  const want = [{
    version_id: "v2",
    model: "xgboost",
    artifact_sha256: "s2",
    data_end: "2026-02-01T00:00:00.000Z",
    feature_set_hash: "h2",
    reason: "beat naive",
  }];
  const cols = "version_id, model, artifact_sha256, data_end, feature_set_hash, reason";
  assert.deepEqual(await wh.rows(`SELECT ${cols} FROM champions`), want);
  await publishSnapshot(wh);
  wh.close();
  const snap = await openSnapshot(snapshotRoot(path));
  try {
    assert.deepEqual(await snap.db.rows(`SELECT ${cols} FROM champions`), want);
  } finally {
    snap.db.close();
  }
});
