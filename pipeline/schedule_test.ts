import assert from "node:assert/strict";
import fc from "fast-check";
import { join } from "node:path";
import { openWarehouse, type Warehouse } from "../warehouse/db.ts";
import { FEATURE_SET, featureColumns, featureSetHash } from "./features/core.ts";
import { sha256Hex } from "../core/hash.ts";
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
  assert.equal(dueReason("1h", { ...young, featureSet: `${FEATURE_SET}+signals-v2` }), undefined);
  assert.match(dueReason("1h", { ...young, featureSet: "core-v0" })!, /feature set core-v0/);
});

Deno.test("dueReason: a champion whose feature hash changed, or whose artifact cannot be served, is due at once", () => {
  const now = Date.parse("2026-06-01T00:00:00Z");
  // Young and trained through the last candle: nothing else would make it due.
  const young = { lastCandle: now, championSetAt: now - H, trainedThrough: now, now };
  const same = { featureSetHash: "a".repeat(64), currentFeatureSetHash: "a".repeat(64) };
  assert.equal(dueReason("1h", { ...young, featureSet: FEATURE_SET, ...same }), undefined);
  assert.equal(
    dueReason("1h", {
      ...young,
      featureSet: FEATURE_SET,
      featureSetHash: "a".repeat(64),
      currentFeatureSetHash: "b".repeat(64),
    }),
    `its champion's feature set ${FEATURE_SET} was computed by other SQL (sha256 aaaaaaaaaaaa…); ` +
      "this code computes sha256 bbbbbbbbbbbb…",
  );
  assert.equal(
    dueReason("1h", { ...young, ...same, artifactProblem: "Model artifact m.json is missing" }),
    "its champion cannot be served: Model artifact m.json is missing",
  );
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

const iso = (t: number) => new Date(t).toISOString().slice(0, 19);

/** Stores one 1h candle of `symbol` at `last`. */
async function candle(wh: Warehouse, symbol: string, last: number): Promise<void> {
  await wh.run(
    `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume)
     VALUES ('x', ?, '1h', ?::TIMESTAMP, 1, 1, 1, 1, 1)`,
    [symbol, iso(last)],
  );
}

/**
 * Registers a naive 1h champion of `symbol` with its artifact file in `dir`;
 * returns the artifact's path. `hash` is the feature hash its run recorded.
 */
async function champion(
  wh: Warehouse,
  dir: string,
  symbol: string,
  o: { setAt: number; dataEnd: number; hash: string },
): Promise<string> {
  const run = `run-${symbol}`, version = `v-${symbol}`;
  const path = join(dir, `${symbol.replace("/", "-")}.json`);
  const bytes = new TextEncoder().encode(JSON.stringify({
    version_id: version,
    model: "naive",
    feature_set: FEATURE_SET,
    feature_set_hash: o.hash,
    feature_columns: featureColumns(),
  }));
  await Deno.writeFile(path, bytes);
  await wh.run(
    `INSERT INTO model_runs (run_id, model, exchange, symbol, timeframe, seed, params,
       feature_set, feature_set_hash, data_end, started_at, status)
     VALUES (?, 'naive', 'x', ?, '1h', 1, '{}', ?, ?, ?::TIMESTAMP, ?::TIMESTAMP, 'ok')`,
    [run, symbol, FEATURE_SET, o.hash, iso(o.dataEnd), iso(o.setAt)],
  );
  await wh.run(
    `INSERT INTO model_versions (version_id, run_id, model, exchange, symbol, timeframe, artifact_path, artifact_sha256, created_at)
     VALUES (?, ?, 'naive', 'x', ?, '1h', ?, ?, ?::TIMESTAMP)`,
    [version, run, symbol, path, await sha256Hex(bytes), iso(o.setAt)],
  );
  await wh.run(
    `INSERT INTO model_aliases (alias, version_id, exchange, symbol, timeframe, set_at)
     VALUES ('champion', ?, 'x', ?, '1h', ?::TIMESTAMP)`,
    [version, symbol, iso(o.setAt)],
  );
  return path;
}

Deno.test("dueSeries reads champions, their training window and the newest candle from the warehouse", async () => {
  const dir = await Deno.makeTempDir();
  const wh = await openWarehouse(join(dir, "w.duckdb"));
  try {
    const now = Date.parse("2026-06-01T00:00:00Z");
    const hash = await featureSetHash("1h");
    for (const symbol of ["A/USDT", "B/USDT", "C/USDT"]) await candle(wh, symbol, now - H);
    // A: champion 30 h old trained through 10 h ago → due. B: trained through the last candle → kept.
    await champion(wh, dir, "A/USDT", { setAt: now - 30 * H, dataEnd: now - 10 * H, hash });
    await champion(wh, dir, "B/USDT", { setAt: now - 30 * H, dataEnd: now - H, hash });
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

Deno.test("dueSeries makes a series due when its champion's features changed or its artifact is missing or altered", async () => {
  const dir = await Deno.makeTempDir();
  const wh = await openWarehouse(join(dir, "w.duckdb"));
  try {
    const now = Date.parse("2026-06-01T00:00:00Z");
    const hash = await featureSetHash("1h");
    // Every champion is young and trained through the last candle: only a broken one is due.
    const fresh = { setAt: now - H, dataEnd: now - H };
    for (const s of ["OK/USDT", "HASH/USDT", "GONE/USDT", "EDIT/USDT"]) {
      await candle(wh, s, now - H);
    }
    await champion(wh, dir, "OK/USDT", { ...fresh, hash });
    await champion(wh, dir, "HASH/USDT", { ...fresh, hash: "0".repeat(64) });
    await Deno.remove(await champion(wh, dir, "GONE/USDT", { ...fresh, hash }));
    const edited = await champion(wh, dir, "EDIT/USDT", { ...fresh, hash });
    await Deno.writeTextFile(edited, " ", { append: true });
    const due = Object.fromEntries(
      (await dueSeries(wh, { now })).map((d) => [d.symbol, d.reason]),
    );
    assert.deepEqual(Object.keys(due).sort(), ["EDIT/USDT", "GONE/USDT", "HASH/USDT"]);
    assert.match(due["HASH/USDT"], /was computed by other SQL \(sha256 000000000000…\)/);
    assert.match(due["GONE/USDT"], /^its champion cannot be served: Model artifact .* is missing/);
    assert.match(
      due["EDIT/USDT"],
      /^its champion cannot be served: Model artifact .* has sha256 [0-9a-f]{64}, but the registry recorded/,
    );
  } finally {
    wh.close();
    await Deno.remove(dir, { recursive: true });
  }
});
