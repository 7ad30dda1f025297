/**
 * A small, deterministic warehouse for the site's tests and dev loop: two
 * sample symbols × (1h, 1d) of synthetic candles, two model runs per series
 * (`xgboost` champion, `naive` challenger) with walk-forward metrics, and the
 * champion's forecast with 50/80/95% intervals. Published as a snapshot.
 *
 * @module
 */
import { join } from "node:path";
import { openWarehouse, tsParam, type Warehouse } from "../../warehouse/db.ts";
import { publishSnapshot } from "../../warehouse/snapshot.ts";

/** Symbols and timeframes the fixture holds. */
export const FIXTURE_SERIES = [
  { symbol: "BTC/USDT", timeframe: "1h", start: 60_000, candles: 480 },
  { symbol: "BTC/USDT", timeframe: "1d", start: 52_000, candles: 240 },
  { symbol: "ETH/USDT", timeframe: "1h", start: 3_000, candles: 480 },
  { symbol: "ETH/USDT", timeframe: "1d", start: 2_600, candles: 240 },
] as const;

/** The open time of the last candle of every fixture series (UTC). */
export const FIXTURE_END = Date.UTC(2024, 5, 1, 0, 0, 0);

const STEP_MS: Record<string, number> = { "1h": 3_600_000, "1d": 86_400_000 };
const HORIZONS: Record<string, number> = { "1h": 24, "1d": 7 };
const LEVELS = [0.5, 0.8, 0.95];
const Z: Record<number, number> = { 0.5: 0.674, 0.8: 1.282, 0.95: 1.96 };
const CREATED = Date.UTC(2024, 5, 1, 1, 0, 0);

/**
 * Creates `dir/warehouse.duckdb` with deterministic sample data, publishes its
 * snapshot under `dir/snapshots`, closes it, and returns the database path.
 *
 * @param dir A directory to create the warehouse in (created when missing).
 * @param options `models: false` stops after the candles: a warehouse that was
 *   ingested but never trained (no runs, aliases or forecasts). Default true.
 * @example
 * ```ts
 * const db = await makeFixtureWarehouse(await Deno.makeTempDir());
 * // PREVISION_DB=db → openSnapshot(snapshotRoot(db)) now works.
 * ```
 */
export async function makeFixtureWarehouse(
  dir: string,
  options: { models?: boolean } = {},
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, "warehouse.duckdb");
  await Deno.remove(path).catch(() => {});
  const wh = await openWarehouse(path);
  try {
    await wh.transaction(async () => {
      for (const [i, s] of FIXTURE_SERIES.entries()) {
        const closes = await insertCandles(wh, s, 1000 + i);
        if (options.models !== false) await insertModels(wh, s, closes);
      }
    });
    await publishSnapshot(wh, join(dir, "snapshots"));
  } finally {
    wh.close();
  }
  return path;
}

/** Mulberry32: a tiny seeded PRNG so the fixture is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Series = (typeof FIXTURE_SERIES)[number];

async function insertCandles(wh: Warehouse, s: Series, seed: number): Promise<number[]> {
  const rand = prng(seed);
  const step = STEP_MS[s.timeframe];
  const vol = s.timeframe === "1h" ? 0.006 : 0.03;
  const closes: number[] = [];
  let price: number = s.start;
  const rows: unknown[][] = [];
  for (let k = 0; k < s.candles; k++) {
    const ts = FIXTURE_END - (s.candles - 1 - k) * step;
    const open = price;
    const close = open * Math.exp(vol * (rand() + rand() + rand() - 1.5) + 0.0002);
    const high = Math.max(open, close) * (1 + vol * rand() * 0.5);
    const low = Math.min(open, close) * (1 - vol * rand() * 0.5);
    const volume = 100 + 900 * rand();
    rows.push([
      "sample",
      s.symbol,
      s.timeframe,
      tsParam(ts),
      round(open),
      round(high),
      round(low),
      round(close),
      round(volume),
    ]);
    closes.push(round(close));
    price = close;
  }
  const batch = 100;
  for (let k = 0; k < rows.length; k += batch) {
    const chunk = rows.slice(k, k + batch);
    await wh.run(
      `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume, run_id)
       VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'fixture')").join(", ")}`,
      chunk.flat() as never,
    );
  }
  return closes;
}

async function insertModels(wh: Warehouse, s: Series, closes: number[]): Promise<void> {
  const key = `${s.symbol.replace("/", "-")}-${s.timeframe}`;
  const step = STEP_MS[s.timeframe];
  const created = tsParam(CREATED);
  const models = [
    { model: "xgboost", alias: "champion", mae: 0.8, mase: 0.91, dir: 0.54, cov: 0.79 },
    { model: "naive", alias: "challenger", mae: 1, mase: 1, dir: 0.5, cov: 0.74 },
  ];
  for (const m of models) {
    const runId = `run-${key}-${m.model}`;
    const versionId = `v-${key}-${m.model}-1`;
    await wh.run(
      `INSERT INTO model_runs (run_id, model, exchange, symbol, timeframe, seed, params, feature_set,
         horizons, data_start, data_end, started_at, finished_at, duration_ms, status)
       VALUES (?, ?, 'sample', ?, ?, 42, ?, 'returns-v1', [1], ?, ?, ?, ?, 1234.5, 'ok')`,
      [
        runId,
        m.model,
        s.symbol,
        s.timeframe,
        JSON.stringify({ max_depth: 4 }),
        tsParam(FIXTURE_END - (s.candles - 1) * step),
        tsParam(FIXTURE_END),
        created,
        created,
      ],
    );
    const scale = closes[closes.length - 1] * (s.timeframe === "1h" ? 0.004 : 0.02);
    const metrics: [number | null, string, number][] = [];
    for (const fold of [null, 0, 1, 2]) {
      const wobble = fold === null ? 1 : 1 + (fold - 1) * 0.05;
      metrics.push(
        [fold, "mae", round(m.mae * scale * wobble)],
        [fold, "mase", round(m.mase * wobble)],
        [fold, "dir_acc", round(m.dir / wobble)],
        [fold, "coverage", round(m.cov)],
      );
    }
    for (const [fold, metric, value] of metrics) {
      await wh.run(
        "INSERT INTO run_metrics (run_id, fold, horizon, metric, value) VALUES (?, ?, 1, ?, ?)",
        [runId, fold, metric, value],
      );
    }
    await wh.run(
      `INSERT INTO model_versions (version_id, run_id, model, exchange, symbol, timeframe,
         artifact_path, artifact_sha256, created_at)
       VALUES (?, ?, ?, 'sample', ?, ?, ?, ?, ?)`,
      [
        versionId,
        runId,
        m.model,
        s.symbol,
        s.timeframe,
        `models/${versionId}.json`,
        "0".repeat(64),
        created,
      ],
    );
    await wh.run(
      `INSERT INTO model_aliases (alias, version_id, exchange, symbol, timeframe, set_at, reason)
       VALUES (?, ?, 'sample', ?, ?, ?, ?)`,
      [
        m.alias,
        versionId,
        s.symbol,
        s.timeframe,
        created,
        m.alias === "champion"
          ? "MASE 0.91 < 1.00 (naive) over 3 folds; 80% coverage 0.79"
          : "baseline kept as challenger",
      ],
    );
    if (m.alias === "champion") await insertForecast(wh, s, versionId, closes);
  }
}

async function insertForecast(
  wh: Warehouse,
  s: Series,
  versionId: string,
  closes: number[],
): Promise<void> {
  const step = STEP_MS[s.timeframe];
  const last = closes[closes.length - 1];
  const sigma = s.timeframe === "1h" ? 0.006 : 0.03;
  for (let h = 1; h <= HORIZONS[s.timeframe]; h++) {
    const yhat = last * (1 + 0.0004 * h);
    for (const level of LEVELS) {
      const half = last * sigma * Math.sqrt(h) * Z[level];
      await wh.run(
        `INSERT INTO forecasts (version_id, exchange, symbol, timeframe, issued_at, origin_ts, ts,
           horizon, yhat, lower, upper, level)
         VALUES (?, 'sample', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          versionId,
          s.symbol,
          s.timeframe,
          tsParam(CREATED),
          tsParam(FIXTURE_END),
          tsParam(FIXTURE_END + h * step),
          h,
          round(yhat),
          round(yhat - half),
          round(yhat + half),
          level,
        ],
      );
    }
  }
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
