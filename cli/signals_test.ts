import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse } from "../warehouse/db.ts";
import { startFakeFearGreed } from "../loaders/signals/testdata/fake_fear_greed.ts";
import {
  FAKE_TM_KEY,
  startFakeTokenMetrics,
} from "../loaders/signals/testdata/fake_token_metrics.ts";

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const testdata = new URL("../loaders/signals/testdata/", import.meta.url).pathname;

async function cli(args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli/main.ts", ...args],
    env: { NO_COLOR: "1", TOKEN_METRICS_API_KEY: "", FEAR_GREED_BASE_URL: "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, text };
}

Deno.test({
  name:
    "deno task signals: live pulls, a missing or refused key, files; then the rows are in the warehouse",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const db = join(dir, "w.duckdb");
    const fng = startFakeFearGreed({ first: today - 99 * DAY, last: today });
    const tm = startFakeTokenMetrics({ first: today - 59 * DAY, last: today });
    try {
      const env = {
        PREVISION_DB: db,
        FEAR_GREED_BASE_URL: fng.url,
        TOKEN_METRICS_BASE_URL: tm.url,
      };
      let r = await cli(["signals", "--source", "fear-greed"], env);
      assert.equal(r.code, 0, r.text);
      assert.match(r.text, /signals fear-greed: 100 loaded, 0 rejected, 0 duplicate/);

      r = await cli(["signals", "--source", "token-metrics", "--symbol", "BTC/USDT"], env);
      assert.equal(r.code, 2, r.text);
      assert.match(r.text, /TOKEN_METRICS_API_KEY/);

      r = await cli(["signals", "--source", "token-metrics", "--symbol", "BTC/USDT"], {
        ...env,
        TOKEN_METRICS_API_KEY: "not-the-key",
      });
      assert.equal(r.code, 1, r.text);
      assert.match(r.text, /refused the key in TOKEN_METRICS_API_KEY \(HTTP 401/);
      assert.ok(!r.text.includes("not-the-key"), "the key is never printed");

      const since = new Date(today - 29 * DAY).toISOString().slice(0, 10);
      r = await cli(
        ["signals", "--source", "token-metrics", "--symbol", "BTC/USDT", "--since", since],
        { ...env, TOKEN_METRICS_API_KEY: FAKE_TM_KEY },
      );
      assert.equal(r.code, 0, r.text);
      assert.match(r.text, /signals token-metrics: \d+ loaded, 0 rejected/);

      r = await cli(["signals", "--file", testdata + "tm_grades.csv", "--source", "tm-file"], env);
      assert.equal(r.code, 2, r.text);
      assert.match(r.text, /pass --symbol BASE\/QUOTE/);

      r = await cli(
        ["signals", "--file", testdata + "fng_broken.csv", "--source", "fng-file"],
        env,
      );
      assert.equal(r.code, 0, r.text);
      assert.match(r.text, /3 loaded, 2 rejected, 0 duplicate/);
      assert.match(
        r.text,
        /fng_broken\.csv: fear-greed, 3 values, 3 lines before the header skipped/,
      );

      r = await cli(["signals", "--source", "nope"], env);
      assert.equal(r.code, 2);
      assert.match(r.text, /live sources are fear-greed, token-metrics/);

      const wh = await openWarehouse(db, { readOnly: true });
      const rows = await wh.rows<{ source: string; symbol: string | null; n: number }>(
        "SELECT source, symbol, count(DISTINCT ts)::INTEGER AS n FROM signals GROUP BY ALL ORDER BY ALL",
      );
      assert.deepEqual(rows, [
        { source: "fear-greed", symbol: null, n: 100 },
        { source: "fng-file", symbol: null, n: 3 },
        { source: "token-metrics", symbol: "BTC/USDT", n: 30 },
      ]);
      const runs = await wh.rows<{ source: string; ok: boolean }>(
        `SELECT source, rows_read = rows_loaded + rows_rejected + rows_duplicate AS ok
         FROM ingest_runs WHERE status = 'ok' ORDER BY started_at`,
      );
      assert.deepEqual(runs.map((x) => x.source), [
        "signals:fear-greed",
        "signals:token-metrics",
        "signals:fng-file",
      ]);
      assert.ok(runs.every((x) => x.ok));
      wh.close();
    } finally {
      await fng.close();
      await tm.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
