/**
 * A small, deterministic warehouse for the site's tests and dev loop: two
 * sample symbols × (1h, 1d) of synthetic candles; per series three model
 * runs (`xgboost` champion, `naive` challenger, `drift`) and two volatility
 * runs (`vol:unconditional`, `vol:ewma`) with walk-forward
 * metrics per fold and horizon, an earlier xgboost champion, past forecasts
 * of both champions (some matured, some pending) and the current champion's
 * latest forecast with 50/80/95% intervals; three days of API requests; a
 * Fear & Greed index and a trading signal with judged runs. Published as a
 * snapshot.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { openWarehouse, tsParam, type Warehouse } from "../../warehouse/db.ts";
import { publishSnapshot } from "../../warehouse/publish.ts";
import { insertApiRequests, insertSignals } from "./fixture_extras.ts";
import { prng, round } from "./random.ts";

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
 *   ingested but never trained (no runs, aliases, forecasts, API requests or
 *   signals). Default true. `history: false` keeps only the latest forecast
 *   of each champion (none has matured yet). Default true.
 * @example
 * ```ts
 * const db = await makeFixtureWarehouse(await Deno.makeTempDir());
 * // PREVISION_DB=db → openSnapshot(snapshotRoot(db)) now works.
 * ```
 */
export async function makeFixtureWarehouse(
  dir: string,
  options: { models?: boolean; history?: boolean } = {},
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, "warehouse.duckdb");
  await Deno.remove(path).catch(() => {});
  const wh = await openWarehouse(path);
  try {
    await wh.transaction(async () => {
      for (const [i, s] of FIXTURE_SERIES.entries()) {
        const closes = await insertCandles(wh, s, 1000 + i);
        if (options.models !== false) {
          await insertModels(wh, s, closes, options.history !== false);
        }
      }
      if (options.models !== false) {
        await insertApiRequests(wh, CREATED);
        await insertSignals(wh, CREATED, FIXTURE_END);
      }
    });
    await publishSnapshot(wh, join(dir, "snapshots"));
  } finally {
    wh.close();
  }
  return path;
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

/** Model kinds of the fixture: the champion, the challenger, and a baseline with no alias. */
const KINDS = [
  { model: "xgboost", alias: "champion", mase: 0.97, dir: 0.53, cov: 0.79 },
  { model: "naive", alias: "challenger", mase: 1, dir: 0.5, cov: 0.8 },
  { model: "drift", alias: null, mase: 1.01, dir: 0.51, cov: 0.78 },
] as const;
/** Horizons evaluated in the fixture's walk-forward runs. */
const EVAL_HORIZONS = [1, 2, 3];
/** Past forecast origins (candles before the last one) of the previous and the current champion. */
const PAST_ORIGINS = { previous: [36, 32, 28], current: [20, 16, 12, 8, 4] };

async function insertModels(
  wh: Warehouse,
  s: Series,
  closes: number[],
  history: boolean,
): Promise<void> {
  const key = `${s.symbol.replace("/", "-")}-${s.timeframe}`;
  const step = STEP_MS[s.timeframe];
  const sigma = s.timeframe === "1h" ? 0.006 : 0.03;
  // An earlier xgboost version, champion until the current training replaced it.
  const previous = `v-${key}-xgboost-0`;
  const previousAt = FIXTURE_END - 39 * step;
  await insertRun(wh, s, `run-${key}-xgboost-0`, "xgboost", previous, previousAt, KINDS[0], sigma);
  await insertAlias(
    wh,
    s,
    "champion",
    previous,
    previousAt,
    CREATED,
    "MASE 0.96 < 1.00 (naive) over 3 folds",
  );
  for (const m of KINDS) {
    const versionId = `v-${key}-${m.model}-1`;
    await insertRun(wh, s, `run-${key}-${m.model}`, m.model, versionId, CREATED, m, sigma);
    if (m.alias) {
      await insertAlias(
        wh,
        s,
        m.alias,
        versionId,
        CREATED,
        null,
        m.alias === "champion"
          ? "MASE 0.97 < 1.00 (naive) over 3 folds; DM p 0.04; 80% coverage 0.79"
          : "challenger to xgboost",
      );
    }
    if (m.alias === "champion") {
      for (const k of history ? PAST_ORIGINS.current : []) {
        await insertForecast(wh, s, versionId, closes, k, FIXTURE_END - k * step + step + 300_000);
      }
      await insertForecast(wh, s, versionId, closes, 0, CREATED);
    }
  }
  for (const [model, ratio] of [["vol:unconditional", 1], ["vol:ewma", 0.82]] as const) {
    await insertVolRun(wh, s, `run-${key}-${model}`, model, ratio);
  }
  for (const k of history ? PAST_ORIGINS.previous : []) {
    await insertForecast(wh, s, previous, closes, k, FIXTURE_END - k * step + step + 300_000);
  }
}

async function insertRun(
  wh: Warehouse,
  s: Series,
  runId: string,
  model: string,
  versionId: string,
  at: number,
  m: { mase: number; dir: number; cov: number },
  sigma: number,
): Promise<void> {
  const step = STEP_MS[s.timeframe];
  await wh.run(
    `INSERT INTO model_runs (run_id, model, exchange, symbol, timeframe, seed, params, feature_set,
       horizons, data_start, data_end, started_at, finished_at, duration_ms, status)
     VALUES (?, ?, 'sample', ?, ?, 42, ?, 'core', ?::INTEGER[], ?, ?, ?, ?, 1234.5, 'ok')`,
    [
      runId,
      model,
      s.symbol,
      s.timeframe,
      JSON.stringify(model === "xgboost" ? { max_depth: 4, eta: 0.05 } : {}),
      `[${EVAL_HORIZONS.join(",")}]`,
      tsParam(FIXTURE_END - (s.candles - 1) * step),
      tsParam(at === CREATED ? FIXTURE_END : FIXTURE_END - 40 * step),
      tsParam(at),
      tsParam(at),
    ],
  );
  const rows: [number | null, number | null, string, number][] = [];
  for (const h of EVAL_HORIZONS) {
    for (const fold of [null, 0, 1, 2]) {
      // Folds differ a little, horizons a little more: the page must show each apart.
      const w = (fold === null ? 1 : 1 + (fold - 1) * 0.03) * (1 + (h - 1) * 0.01);
      const mae = sigma * Math.sqrt(h) * 0.8;
      rows.push(
        [fold, h, "n", fold === null ? 300 : 100],
        [fold, h, "mae", round(mae * m.mase * w)],
        [fold, h, "mase", round(m.mase * w)],
        [fold, h, "dir_acc", round(m.dir / w)],
        [fold, h, "up_rate", 0.52],
        [fold, h, "coverage_50", round(m.cov - 0.29)],
        [fold, h, "coverage_80", round(m.cov * w)],
        [fold, h, "coverage_95", round(Math.min(0.99, m.cov + 0.15))],
        [fold, h, "width_80", round(mae * 3)],
      );
      if (model !== "naive") {
        rows.push([fold, h, "dm_stat", round(-2.1 * w)], [fold, h, "dm_p", round(0.04 * w)]);
      }
    }
  }
  for (const metric of ["mase", "dir_acc", "coverage_80"]) {
    const vals = rows.filter((r) => r[0] === null && r[2] === metric).map((r) => r[3]);
    rows.push([null, null, metric, round(vals.reduce((a, b) => a + b, 0) / vals.length)]);
  }
  const batch = 60;
  for (let k = 0; k < rows.length; k += batch) {
    const chunk = rows.slice(k, k + batch);
    await wh.run(
      `INSERT INTO run_metrics (run_id, fold, horizon, metric, value)
       VALUES ${chunk.map(() => "(?, ?, ?, ?, ?)").join(", ")}`,
      chunk.flatMap((r) => [runId, ...r]),
    );
  }
  // A model card like the pipeline's, beside the warehouse (the path stored is absolute).
  const cardPath = join(dirname(wh.path), "models", versionId, "card.md");
  await Deno.mkdir(dirname(cardPath), { recursive: true });
  await Deno.writeTextFile(
    cardPath,
    `# Model card — ${versionId}\n\n> **Sample data**: a test fixture, not real prices.\n\n` +
      `- **Predicts**: the log return of ${s.symbol} (sample, ${s.timeframe}), h = 1–3.\n` +
      `- **Seed**: 42. **Run**: \`${runId}\`.\n\n## Walk-forward evaluation\n\n` +
      `| model | MASE vs naive |\n| --- | --- |\n| ${model} (this) | ${m.mase.toFixed(3)} |\n\n` +
      "Not financial advice.\n",
  );
  await wh.run(
    `INSERT INTO model_versions (version_id, run_id, model, exchange, symbol, timeframe,
       artifact_path, artifact_sha256, card_path, created_at)
     VALUES (?, ?, ?, 'sample', ?, ?, ?, ?, ?, ?)`,
    [
      versionId,
      runId,
      model,
      s.symbol,
      s.timeframe,
      `models/${versionId}/model.json`,
      "0".repeat(64),
      cardPath,
      tsParam(at),
    ],
  );
}

/** An evaluation-only volatility run: QLIKE per fold and horizon, no version. */
async function insertVolRun(
  wh: Warehouse,
  s: Series,
  runId: string,
  model: string,
  ratio: number,
): Promise<void> {
  await wh.run(
    `INSERT INTO model_runs (run_id, model, exchange, symbol, timeframe, seed, params, horizons,
       started_at, finished_at, status)
     VALUES (?, ?, 'sample', ?, ?, 42, '{}', ?::INTEGER[], ?, ?, 'ok')`,
    [
      runId,
      model,
      s.symbol,
      s.timeframe,
      `[${EVAL_HORIZONS.join(",")}]`,
      tsParam(CREATED),
      tsParam(CREATED),
    ],
  );
  const rows: [number | null, number, string, number][] = [];
  for (const h of EVAL_HORIZONS) {
    for (const fold of [null, 0, 1, 2]) {
      const r = round(ratio * (1 + 0.02 * h) ** (ratio < 1 ? 1 : 0));
      rows.push(
        [fold, h, "n", fold === null ? 300 : 100],
        [fold, h, "qlike", round(-7 + 0.3 * r)],
        [fold, h, "qlike_vs_unconditional", r],
        [fold, h, "rmse_vol", round(0.004 * r * Math.sqrt(h))],
      );
    }
  }
  await wh.run(
    `INSERT INTO run_metrics (run_id, fold, horizon, metric, value)
     VALUES ${rows.map(() => "(?, ?, ?, ?, ?)").join(", ")}`,
    rows.flatMap((r) => [runId, ...r]),
  );
}

async function insertAlias(
  wh: Warehouse,
  s: Series,
  alias: string,
  versionId: string,
  setAt: number,
  unsetAt: number | null,
  reason: string,
): Promise<void> {
  await wh.run(
    `INSERT INTO model_aliases (alias, version_id, exchange, symbol, timeframe, set_at, unset_at,
       reason)
     VALUES (?, ?, 'sample', ?, ?, ?, ?, ?)`,
    [
      alias,
      versionId,
      s.symbol,
      s.timeframe,
      tsParam(setAt),
      unsetAt === null ? null : tsParam(unsetAt),
      reason,
    ],
  );
}

/** A forecast issued from the candle `back` steps before the last one (0: the last). */
async function insertForecast(
  wh: Warehouse,
  s: Series,
  versionId: string,
  closes: number[],
  back: number,
  issuedAt: number,
): Promise<void> {
  const step = STEP_MS[s.timeframe];
  const origin = FIXTURE_END - back * step;
  const last = closes[closes.length - 1 - back];
  // About the candles' own volatility, so some outcomes fall outside the intervals.
  const sigma = s.timeframe === "1h" ? 0.003 : 0.015;
  const rows: unknown[][] = [];
  for (let h = 1; h <= HORIZONS[s.timeframe]; h++) {
    const yhat = last * (1 + 0.0004 * h);
    for (const level of LEVELS) {
      const half = last * sigma * Math.sqrt(h) * Z[level];
      rows.push([
        versionId,
        s.symbol,
        s.timeframe,
        tsParam(issuedAt),
        tsParam(origin),
        tsParam(origin + h * step),
        h,
        round(yhat),
        round(yhat - half),
        round(yhat + half),
        level,
      ]);
    }
  }
  await wh.run(
    `INSERT INTO forecasts (version_id, exchange, symbol, timeframe, issued_at, origin_ts, ts,
       horizon, yhat, lower, upper, level)
     VALUES ${rows.map(() => "(?, 'sample', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
    rows.flat() as never,
  );
}
