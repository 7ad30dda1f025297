import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp } from "./app.ts";
import { KeyRing } from "./keys.ts";
import { LiveView, loadView } from "./serving.ts";
import { makeApiFixture, publishNext } from "./testdata/fixture.ts";

Deno.test({
  name:
    "the API keeps answering while the pipeline writes and publishes, and picks up the new snapshot",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const fx = await makeApiFixture();
    const live = await LiveView.start(fx.root, { intervalMs: 50 });
    const app = createApp({ live, keys: await KeyRing.fromFile(fx.keysPath) });
    const auth = { Authorization: `Bearer ${fx.key}` };
    const first = live.view!.snapshotId;
    let stop = false;
    const statuses = new Map<number, number>();
    const traffic = (async () => {
      while (!stop) {
        const res = await app.request("/api/v1/forecasts?symbol=ETH/USDT&timeframe=1h", {
          headers: auth,
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        await res.body?.cancel();
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    // The writer: new candles, new forecasts, two publishes, while requests flow.
    for (let k = 0; k < 2; k++) await publishNext(fx, Date.UTC(2025, 5, 2 + k, 12, 30));
    // A broken snapshot pointer must not take the API down.
    await Deno.writeTextFile(join(fx.root, "CURRENT"), "no-such-snapshot\n");
    // Wait for the reload to notice it (bounded, so a loaded machine does not fail the test).
    for (let i = 0; i < 100 && !/no-such-snapshot/.test(live.lastError ?? ""); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    stop = true;
    await traffic;
    await live.stop();
    assert.deepEqual(
      [...statuses.keys()],
      [200],
      `statuses seen: ${JSON.stringify([...statuses])}`,
    );
    assert.ok(statuses.get(200)! > 20);
    assert.notEqual(live.view!.snapshotId, first, "the new snapshot was loaded");
    assert.match(
      live.lastError ?? "",
      /no-such-snapshot/,
      "the broken pointer is reported, the last good view kept",
    );
    await Deno.remove(fx.dir, { recursive: true });
  },
});

Deno.test({
  name: "stop() waits for the reload in flight, and no reload starts after it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const fx = await makeApiFixture();
    try {
      const live = await LiveView.start(fx.root, { intervalMs: 0 });
      const next = await publishNext(fx, Date.UTC(2025, 5, 2, 12, 30));
      // A reload left in flight at the end of the work: stopping must wait for it, so the
      // files can go and the process can end without a load running in the DuckDB addon.
      live.refresh();
      await live.stop();
      assert.equal(live.view!.snapshotId, next, "the reload in flight had finished");
      await Deno.writeTextFile(join(fx.root, "CURRENT"), "after-stop\n");
      await live.refresh();
      assert.equal(live.view!.snapshotId, next, "a stopped view loads nothing");
      assert.equal(live.lastError, undefined);
    } finally {
      await Deno.remove(fx.dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "ticks during a reload coalesce: one load runs, none is queued behind it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const fx = await makeApiFixture();
    try {
      const live = await LiveView.start(fx.root, { intervalMs: 1 });
      const before = live.loadsStarted;
      await publishNext(fx, Date.UTC(2025, 5, 2, 12, 30));
      // Many 1 ms ticks and explicit calls pass while the new snapshot loads.
      const calls = Array.from({ length: 20 }, () => live.refresh());
      await Promise.all(calls);
      await new Promise((r) => setTimeout(r, 30));
      await live.stop();
      assert.equal(live.loadsStarted - before, 1, "one load for one new snapshot");
    } finally {
      await Deno.remove(fx.dir, { recursive: true });
    }
  },
});

Deno.test("a load makes no text per candle: a page's JSON is built from the columns when asked", async () => {
  const fx = await makeApiFixture();
  try {
    const toIso = Date.prototype.toISOString;
    let calls = 0;
    Date.prototype.toISOString = function () {
      calls++;
      return toIso.call(this);
    };
    let view;
    try {
      view = await loadView(fx.root);
    } finally {
      Date.prototype.toISOString = toIso;
    }
    const candles = [...view.series.values()].reduce((n, s) => n + s.ts.length, 0);
    assert.ok(candles > 4000);
    // Forecasts and signals make some (rows read as ISO times); one per candle would be more.
    assert.ok(calls < candles / 2, `${calls} ISO strings made while loading ${candles} candles`);
    const app = createApp({ live: LiveView.of(view), keys: await KeyRing.fromFile(fx.keysPath) });
    const res = await app.request("/api/v1/ohlcv?symbol=BTC/USDT&timeframe=1h&limit=3", {
      headers: { Authorization: `Bearer ${fx.key}` },
    });
    const s = [...view.series.values()].find((s) =>
      s.symbol === "BTC/USDT" && s.timeframe === "1h"
    )!;
    const n = s.ts.length;
    const want = [n - 3, n - 2, n - 1].map((i) => ({
      ts: new Date(s.ts[i]).toISOString(),
      open: s.open[i],
      high: s.high[i],
      low: s.low[i],
      close: s.close[i],
      volume: s.volume[i],
    }));
    const body = await res.json();
    assert.deepEqual(body.candles, want);
    assert.equal(body.prev, new Date(s.ts[n - 4]).toISOString());
    assert.equal(body.next, null);
  } finally {
    await Deno.remove(fx.dir, { recursive: true });
  }
});
