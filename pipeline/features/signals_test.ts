import assert from "node:assert/strict";
import { openWarehouse, tsParam, type Warehouse } from "../../warehouse/db.ts";
import { ingestSample } from "../../loaders/sample/mod.ts";
import {
  FEATURE_SET,
  featureColumns,
  featureSetHash,
  featureSetName,
  loadFeatures,
} from "./core.ts";
import { MAX_SIGNAL_AGE_DAYS, signalSpecs, specsFromColumns } from "./signals.ts";

const NOW = Date.UTC(2025, 5, 1, 12, 30);
const HOUR = 3_600_000, DAY = 86_400_000;
const KEY = { exchange: "testex", symbol: "ETH/USDT", timeframe: "1h" as const };

/** 40 days of hourly ETH and BTC candles under a non-sample exchange name. */
async function market(): Promise<Warehouse> {
  const wh = await openWarehouse(":memory:");
  await ingestSample(wh, {
    now: NOW,
    days: 40,
    symbols: ["BTC/USDT", "ETH/USDT"],
    timeframes: ["1h"],
  });
  await wh.run("UPDATE ohlcv SET exchange = 'testex'");
  return wh;
}

type Sig = { symbol: string | null; ts: number; value: number; available: number };

async function insert(wh: Warehouse, source: string, name: string, rows: Sig[]): Promise<void> {
  for (const r of rows) {
    await wh.run(
      `INSERT INTO signals (source, symbol, ts, name, value, available_at, raw)
       VALUES (?, ?, ?, ?, ?, ?, '{}')`,
      [source, r.symbol, tsParam(r.ts), name, r.value, tsParam(r.available)],
    );
  }
}

/** What the feature must be, by brute force: the latest-dated value published by the close. */
function expected(rows: Sig[], close: number): number | null {
  let best: Sig | undefined;
  for (const r of rows) {
    if (r.available > close) continue;
    if (!best || r.ts > best.ts || (r.ts === best.ts && r.symbol !== null)) best = r;
  }
  return best && close - best.ts <= MAX_SIGNAL_AGE_DAYS * DAY ? best.value : null;
}

Deno.test("signal features join on availability: a value dated D but published later is unseen until then", async () => {
  const wh = await market();
  const first = (await wh.one<{ t: string }>("SELECT min(ts) AS t FROM ohlcv"))!.t;
  const d0 = Date.parse(first);
  const rows: Sig[] = [];
  // A daily market-wide signal, published at the end of each day …
  for (let d = 0; d < 30; d++) {
    rows.push({ symbol: null, ts: d0 + d * DAY, value: d, available: d0 + (d + 1) * DAY });
  }
  // … whose last value, dated day 30, came out 3 days and 5 hours late, …
  const late = d0 + 30 * DAY;
  rows.push({ symbol: null, ts: late, value: 999, available: late + 3 * DAY + 5 * HOUR });
  // … and a per-asset value for ETH on day 10 (BTC's must not leak into ETH).
  rows.push({ symbol: "ETH/USDT", ts: d0 + 10 * DAY, value: -5, available: d0 + 11 * DAY });
  rows.push({ symbol: "BTC/USDT", ts: d0 + 12 * DAY, value: -7, available: d0 + 13 * DAY });
  await insert(wh, "ext", "x", rows);
  const specs = [{ source: "ext", name: "x" }];
  const f = await loadFeatures(wh, KEY, specs);
  const applicable = rows.filter((r) => r.symbol === null || r.symbol.startsWith("ETH/"));
  let seen999 = 0;
  f.ts.forEach((t, i) => {
    const close = t + HOUR;
    assert.equal(f.signals[0][i], expected(applicable, close), new Date(t).toISOString());
    // Not published yet: missing (NaN), never 0.
    assert.ok(Object.is(f.x[i].at(-1), f.signals[0][i] ?? NaN));
    if (f.signals[0][i] === 999) {
      seen999++;
      assert.ok(close >= late + 3 * DAY + 5 * HOUR, "never before it was published");
    }
  });
  assert.ok(seen999 > 0, "the late value does show once published");
  const i = f.ts.findIndex((t) => t + HOUR === d0 + 11 * DAY);
  assert.equal(
    f.signals[0][i],
    -5,
    "ETH's own value wins over the market-wide one of the same day",
  );
  wh.close();
});

Deno.test("signal features are causal: changing signals published after a date changes no feature before it", async () => {
  const wh = await market();
  const d0 = Date.parse((await wh.one<{ t: string }>("SELECT min(ts) AS t FROM ohlcv"))!.t);
  const rows: Sig[] = [];
  for (let d = 0; d < 40; d++) {
    rows.push({
      symbol: null,
      ts: d0 + d * DAY,
      value: 50 + (d % 7),
      available: d0 + (d + 1) * DAY,
    });
  }
  await insert(wh, "ext", "x", rows);
  const specs = [{ source: "ext", name: "x" }];
  const before = await loadFeatures(wh, KEY, specs);
  const cut = before.ts[Math.floor(before.ts.length * 0.6)] + HOUR; // a close time
  // Rewrite everything published after the cut, and backfill old dates published late.
  await wh.run("UPDATE signals SET value = value + 100 WHERE available_at > ?", [tsParam(cut)]);
  await insert(
    wh,
    "ext",
    "x",
    Array.from({ length: 5 }, (_, k) => ({
      symbol: null,
      ts: cut - (k + 1) * DAY + 7 * HOUR,
      value: -1,
      available: cut + (k + 1) * HOUR,
    })),
  );
  const after = await loadFeatures(wh, KEY, specs);
  let compared = 0, changed = 0;
  before.ts.forEach((t, i) => {
    assert.equal(after.ts[i], t);
    if (t + HOUR <= cut) {
      assert.deepEqual(after.x[i], before.x[i], `features at ${new Date(t).toISOString()} changed`);
      compared++;
    } else if (after.signals[0][i] !== before.signals[0][i]) changed++;
  });
  assert.ok(compared > 200, `compared ${compared} rows`);
  assert.ok(changed > 50, "and the later features did change, so the test can fail");
  wh.close();
});

Deno.test("signalSpecs(): market-wide and own-asset signals with enough values; sample sources for the sample only", async () => {
  const wh = await market();
  const d0 = Date.parse((await wh.one<{ t: string }>("SELECT min(ts) AS t FROM ohlcv"))!.t);
  const daily = (symbol: string | null, n = 35) =>
    Array.from({ length: n }, (_, d) => ({
      symbol,
      ts: d0 + d * DAY,
      value: d,
      available: d0 + (d + 1) * DAY,
    }));
  await insert(wh, "fear-greed", "value", daily(null));
  await insert(wh, "token-metrics", "trading_signal", daily("ETH/USD"));
  await insert(wh, "token-metrics", "holding_returns", daily("ETH/USD"));
  await insert(wh, "token-metrics", "tm_trader_grade", daily("BTC/USDT"));
  await insert(wh, "sparse", "x", daily(null, 10));
  await insert(wh, "sample-fear-greed", "value", daily(null));
  assert.deepEqual(await signalSpecs(wh, KEY), [
    { source: "fear-greed", name: "value" },
    { source: "token-metrics", name: "trading_signal" },
  ]);
  await wh.run("UPDATE ohlcv SET exchange = 'sample'");
  assert.deepEqual(await signalSpecs(wh, { ...KEY, exchange: "sample" }), [
    { source: "sample-fear-greed", name: "value" },
  ]);
  wh.close();
});

Deno.test("the feature set's name, columns and hash include its signals; the columns give them back", async () => {
  const specs = [{ source: "fear-greed", name: "value" }];
  assert.equal(featureSetName(), FEATURE_SET);
  assert.equal(featureSetName(specs), `${FEATURE_SET}+signals-v2`);
  const cols = featureColumns(specs);
  assert.equal(cols.at(-1), "sig:fear-greed:value");
  assert.deepEqual(specsFromColumns(cols), specs);
  assert.notEqual(await featureSetHash("1h", specs), await featureSetHash("1h"));
  assert.notEqual(
    await featureSetHash("1h", specs),
    await featureSetHash("1h", [{ source: "fear-greed", name: "other" }]),
  );
  assert.equal(await featureSetHash("1d", specs), await featureSetHash("1d", specs));
});
