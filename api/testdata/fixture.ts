/**
 * A small published warehouse for API tests: two sample symbols, 1h and 1d,
 * trained with few horizons, forecast, signals (the synthetic sample one and
 * ten days of a per-asset source), and a snapshot.
 *
 * @module
 */
import { join } from "node:path";
import { openWarehouse } from "../../warehouse/db.ts";
import { publishSnapshot } from "../../warehouse/publish.ts";
import { snapshotRoot } from "../../warehouse/snapshot.ts";
import { ingestSample } from "../../loaders/sample/mod.ts";
import { trainSeries } from "../../pipeline/train.ts";
import { forecastAll } from "../../pipeline/testdata/forecast.ts";
import { XgbPool } from "../../pipeline/models/mod.ts";
import { createKey, exportKeys, keysFile } from "../../warehouse/keys.ts";
import { ingestSampleSignal, ingestSignals } from "../../loaders/signals/mod.ts";

/** Paths of the fixture and a valid key. */
export interface ApiFixture {
  dir: string;
  db: string;
  root: string;
  keysPath: string;
  key: string;
}

/**
 * Builds the fixture in a temporary folder.
 *
 * @example
 * ```ts
 * const fx = await makeApiFixture();
 * ```
 */
export async function makeApiFixture(): Promise<ApiFixture> {
  const dir = await Deno.makeTempDir({ prefix: "prevision-api-" });
  const db = join(dir, "warehouse.duckdb");
  const wh = await openWarehouse(db);
  const now = Date.UTC(2025, 5, 1, 12, 30);
  await ingestSample(wh, { now, days: 320, symbols: ["BTC/USDT", "ETH/USDT"] });
  const pool = new XgbPool(2);
  try {
    for (const timeframe of ["1h", "1d"] as const) {
      for (const symbol of ["BTC/USDT", "ETH/USDT"]) {
        await trainSeries(wh, { exchange: "sample", symbol, timeframe }, {
          modelsDir: join(dir, "models"),
          horizons: [1, 2, 3],
          folds: 2,
          pool,
        });
      }
    }
  } finally {
    pool.close();
  }
  await forecastAll(wh, { now });
  // Signals: the synthetic market-wide one, and a per-asset source with two names a day.
  await ingestSampleSignal(wh, { now });
  const day = 86_400_000, d0 = Date.UTC(2025, 4, 1);
  await ingestSignals(
    wh,
    "token-metrics",
    Array.from({ length: 20 }, (_, i) => ({
      source: "token-metrics",
      symbol: "BTC/USDT",
      ts: d0 + Math.floor(i / 2) * day,
      name: i % 2 ? "tm_trader_grade" : "trading_signal",
      value: i % 2 ? 40 + i : [1, 0, -1][i % 3],
      available_at: d0 + (Math.floor(i / 2) + 1) * day,
      raw: "{}",
      ref: `fixture:${i + 1}`,
    })),
    { now },
  );
  const { key } = await createKey(wh, { name: "test" });
  const keysPath = keysFile(db);
  await exportKeys(wh, keysPath);
  await publishSnapshot(wh);
  wh.close();
  return { dir, db, root: snapshotRoot(db), keysPath, key };
}
