import assert from "node:assert/strict";
import { openWarehouse } from "../warehouse/db.ts";
import { startFakeFearGreed } from "../loaders/signals/testdata/fake_fear_greed.ts";
import {
  FAKE_TM_KEY,
  startFakeTokenMetrics,
} from "../loaders/signals/testdata/fake_token_metrics.ts";
import { updateSignals } from "./signals.ts";

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;

Deno.test("updateSignals(): pulls what is configured, resumes where it stopped, skips the rest saying why", async () => {
  const wh = await openWarehouse(":memory:");
  const fng = startFakeFearGreed({ first: today - 49 * DAY, last: today });
  const tm = startFakeTokenMetrics({ first: today - 49 * DAY, last: today });
  const lines: string[] = [];
  const log = { out: (l: string) => lines.push(l), err: (l: string) => console.error(l) };
  try {
    let r = await updateSignals(wh, {}, { log });
    assert.deepEqual(r.failures, []);
    assert.match(lines.join("\n"), /fear-greed skipped \(set FEAR_GREED_BASE_URL/);
    assert.match(lines.join("\n"), /token-metrics skipped \(TOKEN_METRICS_API_KEY is not set\)/);
    assert.equal(fng.requests.length + tm.requests.length, 0, "nothing asked offline");

    lines.length = 0;
    const env = { fearGreedUrl: fng.url, tokenMetricsUrl: tm.url, tokenMetricsKey: FAKE_TM_KEY };
    r = await updateSignals(wh, env, { log });
    assert.match(lines[0], /signals fear-greed 50 loaded/);
    assert.match(lines[1], /token-metrics skipped \(nothing pulled yet/);
    r = await updateSignals(wh, env, { log });
    const limit = Number(fng.requests.at(-1)!.params.limit);
    assert.ok(
      limit > 0 && limit <= 4,
      `the second pull resumes from the last day (limit ${limit})`,
    );
    assert.deepEqual(r.failures, []);

    const down = { ...env, fearGreedUrl: "http://127.0.0.1:9" };
    const failed = await updateSignals(wh, down, {
      log: { out: () => {}, err: (l: string) => console.error(l) },
      http: { attempts: 2, baseDelayMs: 1 },
    });
    assert.equal(failed.failures.length, 1);
    assert.match(
      failed.failures[0],
      /^signals fear-greed: alternative\.me Fear & Greed: GET \/fng\//,
    );
  } finally {
    wh.close();
    await fng.close();
    await tm.close();
  }
});
