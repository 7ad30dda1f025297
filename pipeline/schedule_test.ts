import assert from "node:assert/strict";
import fc from "fast-check";
import { join } from "node:path";
import { openWarehouse } from "../warehouse/db.ts";
import { FEATURE_SET } from "./features/core.ts";
import { dueReason, dueSeries, inShard, parseShard, RETRAIN_AFTER_HOURS } from "./schedule.ts";

const H = 3600_000;

Deno.test("dueReason: no champion → due; young champion or no new candles → kept; old + new candles → due", () => {
  const now = Date.parse("2026-06-01T00:00:00Z");
  assert.equal(dueReason("1h", { lastCandle: now, now }), "no champion yet");
  // Younger than the 1h policy (24 h): kept even with new candles.
  assert.equal(
    dueReason("1h", {
      lastCandle: now,
      championSetAt: now - 23 * H,
      trainedThrough: now - 30 * H,
      now,
    }),
    undefined,
  );
  // Old, but nothing arrived since its training data ended: kept.
  assert.equal(
    dueReason("1h", {
      lastCandle: now - 30 * H,
      championSetAt: now - 25 * H,
      trainedThrough: now - 30 * H,
      now,
    }),
    undefined,
  );
  assert.match(
    dueReason("1h", {
      lastCandle: now,
      championSetAt: now - 25 * H,
      trainedThrough: now - 30 * H,
      now,
    })!,
    /25\.0 h old \(policy 24 h\)/,
  );
  // Daily models keep a week; an override applies to every timeframe.
  const week = {
    lastCandle: now,
    championSetAt: now - 100 * H,
    trainedThrough: now - 200 * H,
    now,
  };
  assert.equal(dueReason("1d", week), undefined);
  assert.ok(dueReason("1d", { ...week, retrainAfterHours: 24 }));
  assert.ok(RETRAIN_AFTER_HOURS["1d"] > RETRAIN_AFTER_HOURS["1h"]);
  // A champion trained on features this code no longer computes is due at once.
  const young = { lastCandle: now, championSetAt: now - H, trainedThrough: now, now };
  assert.equal(dueReason("1h", { ...young, featureSet: `${FEATURE_SET}+signals-v1` }), undefined);
  assert.match(dueReason("1h", { ...young, featureSet: "core-v0" })!, /feature set core-v0/);
});

Deno.test("parseShard accepts i/n with 1 ≤ i ≤ n and names the flag otherwise", () => {
  assert.deepEqual(parseShard("2/3"), { index: 2, count: 3 });
  for (const bad of ["0/3", "4/3", "1/0", "a/b", "1-3", ""]) {
    assert.throws(() => parseShard(bad), /--shard must be i\/n/);
  }
});

Deno.test("shards partition the series: each in exactly one shard, stable across calls", () => {
  const series = fc.record({
    exchange: fc.constantFrom("binance", "kraken", "sample"),
    symbol: fc.stringMatching(/^[A-Z]{2,5}\/[A-Z]{3,4}$/),
    timeframe: fc.constantFrom("1h" as const, "1d" as const),
  });
  fc.assert(fc.property(series, fc.integer({ min: 1, max: 9 }), (s, n) => {
    const hits = Array.from({ length: n }, (_, i) => inShard(s, { index: i + 1, count: n }));
    return hits.filter(Boolean).length === 1 &&
      hits.every((h, i) => h === inShard(s, { index: i + 1, count: n }));
  }));
  // Not degenerate: 40 series spread over 4 shards.
  const counts = [1, 2, 3, 4].map((index) =>
    Array.from(
      { length: 40 },
      (_, i) => ({ exchange: "x", symbol: `S${i}/USDT`, timeframe: "1h" as const }),
    )
      .filter((s) => inShard(s, { index, count: 4 })).length
  );
  assert.ok(counts.every((c) => c >= 4), `shard sizes ${counts}`);
});

Deno.test("dueSeries reads champions, their training window and the newest candle from the warehouse", async () => {
  const dir = await Deno.makeTempDir();
  const wh = await openWarehouse(join(dir, "w.duckdb"));
  try {
    const now = Date.parse("2026-06-01T00:00:00Z");
    const iso = (t: number) => new Date(t).toISOString().slice(0, 19);
    for (
      const [symbol, last] of [["A/USDT", now - H], ["B/USDT", now - H], [
        "C/USDT",
        now - H,
      ]] as const
    ) {
      await wh.run(
        `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume)
         VALUES ('x', ?, '1h', ?::TIMESTAMP, 1, 1, 1, 1, 1)`,
        [symbol, iso(last)],
      );
    }
    // A: champion 30 h old trained through 10 h ago → due. B: trained through the last candle → kept.
    for (
      const [symbol, setAt, dataEnd] of [["A/USDT", now - 30 * H, now - 10 * H], [
        "B/USDT",
        now - 30 * H,
        now - H,
      ]] as const
    ) {
      const run = `run-${symbol}`, version = `v-${symbol}`;
      await wh.run(
        `INSERT INTO model_runs (run_id, model, exchange, symbol, timeframe, seed, params, data_end, started_at, status)
         VALUES (?, 'naive', 'x', ?, '1h', 1, '{}', ?::TIMESTAMP, ?::TIMESTAMP, 'ok')`,
        [run, symbol, iso(dataEnd), iso(setAt)],
      );
      await wh.run(
        `INSERT INTO model_versions (version_id, run_id, model, exchange, symbol, timeframe, artifact_path, artifact_sha256, created_at)
         VALUES (?, ?, 'naive', 'x', ?, '1h', 'p', 's', ?::TIMESTAMP)`,
        [version, run, symbol, iso(setAt)],
      );
      await wh.run(
        `INSERT INTO model_aliases (alias, version_id, exchange, symbol, timeframe, set_at)
         VALUES ('champion', ?, 'x', ?, '1h', ?::TIMESTAMP)`,
        [version, symbol, iso(setAt)],
      );
    }
    const due = await dueSeries(wh, { now });
    assert.deepEqual(due.map((d) => [d.symbol, d.reason.split(" ")[0]]), [["A/USDT", "champion"], [
      "C/USDT",
      "no",
    ]]);
    const among = await dueSeries(wh, {
      now,
      among: [{ exchange: "x", symbol: "C/USDT", timeframe: "1h" }],
    });
    assert.deepEqual(among.map((d) => d.symbol), ["C/USDT"]);
  } finally {
    wh.close();
    await Deno.remove(dir, { recursive: true });
  }
});
