import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse } from "../warehouse/db.ts";
import { ingestSample } from "../loaders/sample/mod.ts";
import { cli } from "./testdata/run.ts";

/** A warehouse holding daily sample candles of BTC/USDT only. */
async function dailyOnly(): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await Deno.makeTempDir();
  const db = join(dir, "w.duckdb");
  const wh = await openWarehouse(db);
  try {
    await ingestSample(wh, {
      now: Date.UTC(2025, 5, 1),
      days: 320,
      symbols: ["BTC/USDT"],
      timeframes: ["1d"],
    });
  } finally {
    wh.close();
  }
  return { dir, env: { PREVISION_DB: db, PREVISION_MODELS: join(dir, "models") } };
}

Deno.test({
  name: "train trains the requested series that have candles and names the others as skipped",
  sanitizeResources: false,
  async fn() {
    const { dir, env } = await dailyOnly();
    try {
      // The default timeframes are 1d and 1h; only 1d is stored.
      const r = await cli(
        ["train", "--symbols", "BTC/USDT,DOGE/USDT", "--horizons", "1,2", "--folds", "2"],
        env,
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const out = r.stdout + r.stderr;
      assert.match(out, /no candles for DOGE\/USDT 1d on sample: skipped/);
      assert.match(out, /no candles for BTC\/USDT 1h on sample: skipped/);
      assert.match(out, /no candles for DOGE\/USDT 1h on sample: skipped/);
      assert.match(r.stdout, /BTC\/USDT 1d: champion /);
      assert.doesNotMatch(out, /TypeError|Cannot read properties/);
      // Each version's summary carries its h=1 figures (judged for leakage) beside the averages.
      const wh = await openWarehouse(env.PREVISION_DB, { readOnly: true });
      try {
        const rows = await wh.rows<{ model: string; path: string; mase1: number; dir1: number }>(
          `SELECT v.model, v.artifact_path AS path,
                  max(m.value) FILTER (WHERE m.metric = 'mase') AS mase1,
                  max(m.value) FILTER (WHERE m.metric = 'dir_acc') AS dir1
           FROM model_versions v JOIN run_metrics m ON m.run_id = v.run_id
           WHERE m.fold IS NULL AND m.horizon = 1 GROUP BY ALL ORDER BY 1`,
        );
        assert.deepEqual(rows.map((r) => r.model), ["drift", "naive", "xgboost"]);
        for (const r of rows) {
          const { summary } = JSON.parse(await Deno.readTextFile(r.path));
          assert.equal(summary.mase1, r.mase1, r.model);
          if (r.model !== "naive") assert.equal(summary.dirAcc1, r.dir1, r.model);
        }
      } finally {
        wh.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "train exits 2 with a clear message when no requested series has candles",
  sanitizeResources: false,
  async fn() {
    const { dir, env } = await dailyOnly();
    try {
      const r = await cli(["train", "--symbols", "DOGE/USDT", "--timeframe", "1d"], env);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /no candles for DOGE\/USDT 1d on sample: skipped/);
      assert.match(r.stderr, /None of the requested series has candles on sample/);
      assert.doesNotMatch(r.stderr, /Failed:|TypeError/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
