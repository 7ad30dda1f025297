import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp } from "./app.ts";
import { KeyRing } from "./keys.ts";
import { LiveView } from "./serving.ts";
import { type ApiFixture, makeApiFixture, publishNext } from "./testdata/fixture.ts";

const PART = join("ohlcv", "exchange=sample", "symbol_key=BTC-USDT", "timeframe=1h");

/** The fixture's snapshot, then a second one published on top: [older, current]. */
async function twoSnapshots(fx: ApiFixture): Promise<[string, string]> {
  const older = (await Deno.readTextFile(join(fx.root, "CURRENT"))).trim();
  return [older, await publishNext(fx, Date.UTC(2025, 5, 2, 12, 30))];
}

async function health(live: LiveView) {
  const app = createApp({ live, keys: KeyRing.of([]) });
  const res = await app.request("/api/health");
  return { status: res.status, body: await res.json() };
}

const tampering: [string, (dir: string) => Promise<void>, RegExp][] = [
  [
    "a corrupt table file",
    (dir) => Deno.writeTextFile(join(dir, "forecasts.parquet"), "not parquet"),
    /forecasts\.parquet is not readable Parquet/,
  ],
  [
    "a missing ohlcv partition",
    (dir) => Deno.remove(join(dir, PART), { recursive: true }),
    /ohlcv partition exchange=sample\/symbol_key=BTC-USDT\/timeframe=1h missing/,
  ],
  [
    "a row count that differs from the manifest",
    async (dir) => {
      const m = JSON.parse(await Deno.readTextFile(join(dir, "manifest.json")));
      m.tables.signals += 1;
      await Deno.writeTextFile(join(dir, "manifest.json"), JSON.stringify(m));
    },
    /signals\.parquet holds \d+ rows, the manifest says \d+/,
  ],
  [
    "a missing manifest",
    (dir) => Deno.remove(join(dir, "manifest.json")),
    /manifest\.json missing/,
  ],
];

for (const [what, tamper, reason] of tampering) {
  Deno.test({
    name:
      `on start, a current snapshot with ${what} is not served: the newest valid older one is, and health says so`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const fx = await makeApiFixture();
      try {
        const [older, current] = await twoSnapshots(fx);
        await tamper(join(fx.root, current));
        const live = await LiveView.start(fx.root, { intervalMs: 0 });
        await live.stop();
        assert.equal(live.view?.snapshotId, older);
        const h = await health(live);
        assert.equal(h.status, 200);
        assert.equal(h.body.status, "degraded");
        assert.equal(h.body.snapshot, older);
        assert.equal(h.body.fallback.from, current);
        assert.match(h.body.fallback.reason, reason);
        assert.doesNotMatch(h.body.fallback.reason, /\/tmp\//, "no server path in public health");
      } finally {
        await Deno.remove(fx.dir, { recursive: true });
      }
    },
  });
}

Deno.test({
  name:
    "on reload, a snapshot missing a partition is not served; the next good one is, and health is ok again",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const fx = await makeApiFixture();
    try {
      const live = await LiveView.start(fx.root, { intervalMs: 0 });
      const first = live.view!.snapshotId;
      const [, broken] = await twoSnapshots(fx);
      await Deno.remove(join(fx.root, broken, PART), { recursive: true });
      await live.refresh();
      assert.equal(live.view!.snapshotId, first, "the older valid view is kept");
      const loads = live.loadsStarted;
      await live.refresh();
      assert.equal(live.loadsStarted, loads, "a failed snapshot is not loaded again on every tick");
      let h = await health(live);
      assert.equal(h.body.status, "degraded");
      assert.equal(h.body.fallback.from, broken);
      const good = await publishNext(fx, Date.UTC(2025, 5, 3, 12, 30));
      await live.refresh();
      await live.stop();
      assert.equal(live.view!.snapshotId, good);
      h = await health(live);
      assert.equal(h.body.status, "ok");
      assert.equal(h.body.fallback, null);
    } finally {
      await Deno.remove(fx.dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "with no valid snapshot at all, health is a 503 naming why",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const fx = await makeApiFixture();
    try {
      const only = (await Deno.readTextFile(join(fx.root, "CURRENT"))).trim();
      await Deno.remove(join(fx.root, only, PART), { recursive: true });
      const live = await LiveView.start(fx.root, { intervalMs: 0 });
      await live.stop();
      assert.equal(live.view, undefined, "a snapshot missing a partition is not served as whole");
      const h = await health(live);
      assert.equal(h.status, 503);
      assert.match(h.body.error, /no valid snapshot: .* ohlcv partition .* missing/);
    } finally {
      await Deno.remove(fx.dir, { recursive: true });
    }
  },
});
