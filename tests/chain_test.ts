/**
 * The whole chain as a user runs it: `start` in a subprocess on a small
 * sample, into a temporary warehouse; then the site and the API over HTTP,
 * and the tables it wrote.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse } from "../warehouse/db.ts";

const KEY = "integration-test-key-0123456789";

Deno.test({
  name: "deno task start runs the whole chain and serves the site and the API",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "prevision-chain-" });
    const env = {
      PREVISION_DB: join(dir, "data", "warehouse.duckdb"),
      PREVISION_MODELS: join(dir, "models"),
      PREVISION_DIST: join(dir, "dist"),
      PREVISION_API_KEY: KEY,
      PREVISION_RATE_LIMIT: "0", // eight clients below would otherwise (rightly) be limited
      PORT: "0",
    };
    // start keeps serving, so its output never ends: it goes to a file that is polled.
    const logPath = join(dir, "start.log");
    const args = [
      "run",
      "-A",
      "cli/main.ts",
      "start",
      "--days",
      "300",
      "--symbols",
      "BTC/USDT,ETH/USDT",
      "--horizons",
      "1,2,3",
    ];
    const child = new Deno.Command("sh", {
      args: ["-c", 'exec "$0" "$@" > "$LOG" 2>&1', Deno.execPath(), ...args],
      env: { ...env, LOG: logPath },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    let text = "";
    let ended = false;
    child.status.then(() => (ended = true));
    const deadline = Date.now() + 240_000;
    while (!/Stop with Ctrl-C/.test(text) && !ended && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      text = await Deno.readTextFile(logPath).catch(() => "");
    }
    text = await Deno.readTextFile(logPath).catch(() => text);
    const base = /site\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(text)?.[1];
    try {
      assert.ok(base, `start did not print its URL:\n${text}`);
      assert.match(text, /SAMPLE market \(synthetic data\)/);
      assert.match(text, /PREVISION_API_KEY is registered/);
      assert.ok(!text.includes(KEY), "the key is never printed");

      const site = await fetch(`${base}/`);
      assert.equal(site.status, 200);
      assert.match(await site.text(), /<html lang="en"/);

      const health = await fetch(`${base}/api/health`);
      assert.equal(health.status, 200);
      assert.equal((await health.json()).series.length, 4);

      const denied = await fetch(`${base}/api/v1/forecasts?symbol=BTC/USDT&timeframe=1h`);
      assert.equal(denied.status, 401);
      await denied.body?.cancel();

      const res = await fetch(`${base}/api/v1/forecasts?symbol=BTC/USDT&timeframe=1h`, {
        headers: { Authorization: `Bearer ${KEY}` },
      });
      assert.equal(res.status, 200);
      const f = await res.json();
      assert.equal(f.points.length, 9);
      assert.ok(
        Date.parse(f.points[0].ts) > Date.now() - 2 * 3_600_000,
        "the forecast starts after the last closed candle",
      );

      // update (cron) while the API serves: eight clients keep asking; none may see an error,
      // and the server must pick up the snapshot update publishes. The newest ETH candle is
      // removed first, so update has something to ingest (with nothing new it keeps the
      // snapshot; see the idempotence test in cli/update_test.ts).
      const wh = await openWarehouse(env.PREVISION_DB);
      await wh.run(
        `DELETE FROM ohlcv WHERE exchange = 'sample' AND symbol = 'ETH/USDT' AND timeframe = '1h'
           AND ts = (SELECT max(ts) FROM ohlcv WHERE exchange = 'sample' AND symbol = 'ETH/USDT'
                     AND timeframe = '1h')`,
      );
      wh.close();
      const before = (await (await fetch(`${base}/api/health`)).json()).snapshot;
      let serving = true;
      const seen = new Map<number, number>();
      const clients = Array.from({ length: 8 }, async () => {
        while (serving) {
          const r = await fetch(`${base}/api/v1/ohlcv?symbol=ETH/USDT&timeframe=1h&limit=200`, {
            headers: { Authorization: `Bearer ${KEY}` },
          });
          seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
          await r.body?.cancel();
        }
      });
      const up = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "cli/main.ts", "update"],
        env,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const upOut = new TextDecoder().decode(up.stdout) + new TextDecoder().decode(up.stderr);
      assert.equal(up.code, 0, upOut);
      assert.match(upOut, /nothing to retrain/);
      await new Promise((r) => setTimeout(r, 2500)); // the API checks for snapshots every 2 s
      serving = false;
      await Promise.all(clients);
      assert.deepEqual([...seen.keys()], [200], JSON.stringify([...seen]));
      const after = (await (await fetch(`${base}/api/health`)).json()).snapshot;
      assert.notEqual(after, before, "the API serves the snapshot update published");
    } finally {
      child.kill("SIGTERM");
      const exited = await Promise.race([
        child.status.then((s) => s.code),
        new Promise<string>((r) => setTimeout(() => r("still running"), 10_000)),
      ]);
      if (exited === "still running") child.kill("SIGKILL");
      assert.equal(
        exited,
        0,
        `start should stop cleanly on SIGTERM:\n${await Deno.readTextFile(logPath)}`,
      );
    }

    const wh = await openWarehouse(env.PREVISION_DB, { readOnly: true });
    const count = async (sql: string) => (await wh.one<{ n: number }>(sql))!.n;
    assert.equal(
      await count(
        "SELECT count(DISTINCT (symbol, timeframe)) AS n FROM ohlcv WHERE exchange = 'sample'",
      ),
      4,
    );
    // Per series: naive, drift, xgboost, the seed reference and four volatility models.
    assert.equal(
      await count("SELECT count(*) AS n FROM model_runs WHERE model NOT LIKE 'signal:%'"),
      4 * 8,
    );
    assert.equal(
      await count(
        "SELECT count(*) AS n FROM model_runs WHERE model = 'signal:sample-fear-greed:value'",
      ),
      4,
      "the synthetic sample signal is judged beside the models of every series",
    );
    assert.equal(
      await count("SELECT count(*) AS n FROM current_aliases WHERE alias = 'champion'"),
      4,
    );
    assert.ok(await count("SELECT count(*) AS n FROM backtest_predictions") > 1000);
    assert.ok(await count("SELECT count(*) AS n FROM run_metrics WHERE metric = 'mase'") > 10);
    assert.equal(await count("SELECT count(DISTINCT (symbol, timeframe)) AS n FROM forecasts"), 4);
    assert.equal(
      await count(
        `SELECT count(*) AS n FROM (
           SELECT version_id, origin_ts FROM forecasts GROUP BY ALL
           HAVING count(DISTINCT issued_at) > 1)`,
      ),
      0,
      "update issues no forecast already issued from the same origin by the same version",
    );
    assert.equal(await count("SELECT count(*) AS n FROM api_keys"), 1);
    const run = await wh.one<Record<string, number>>(
      "SELECT rows_read, rows_loaded, rows_rejected, rows_duplicate FROM ingest_runs",
    );
    assert.equal(run!.rows_read, run!.rows_loaded + run!.rows_rejected + run!.rows_duplicate);
    wh.close();
    await Deno.remove(dir, { recursive: true });
  },
});
