/**
 * The site fixture's API request log and signals (see {@link makeFixtureWarehouse}).
 *
 * @module
 */
import { tsParam, type Warehouse } from "../../warehouse/db.ts";
import { gauss, prng, round } from "./random.ts";

/** Deterministic API request log: three days of traffic with a mix of statuses and latencies. */
export async function insertApiRequests(wh: Warehouse, created: number): Promise<void> {
  const rand = prng(77);
  const paths = [
    "/api/v1/ohlcv",
    "/api/v1/forecasts",
    "/api/v1/markets",
    "/api/v1/models",
    "/api/health",
  ];
  const rows: unknown[][] = [];
  const start = created - 3 * 86_400_000;
  for (let i = 0; i < 720; i++) {
    const ts = start + Math.floor(i * 360_000 + rand() * 300_000);
    const path = paths[Math.floor(rand() ** 1.6 * paths.length)];
    const u = rand();
    const status = u < 0.86 ? 200 : u < 0.91 ? 401 : u < 0.95 ? 400 : u < 0.98 ? 404 : 429;
    const ms = round(Math.exp(Math.log(path === "/api/v1/ohlcv" ? 6 : 2) + 0.8 * gauss(rand)));
    rows.push([tsParam(ts), "GET", path, status, ms, status === 401 ? null : `k${1 + (i % 3)}`]);
  }
  const batch = 120;
  for (let k = 0; k < rows.length; k += batch) {
    const chunk = rows.slice(k, k + batch);
    await wh.run(
      `INSERT INTO api_requests (ts, method, path, status, ms, key_id)
       VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")}`,
      chunk.flat() as never,
    );
  }
}

/**
 * Deterministic signals: a daily market-wide Fear & Greed index (0–100) and a per-symbol
 * Token Metrics trading signal (1 / 0 / −1), each available the day after its date, plus a judged
 * run of each against BTC/USDT 1d with run_metrics named as pipeline/research/signals.ts names them.
 */
export async function insertSignals(wh: Warehouse, created: number, end: number): Promise<void> {
  const rand = prng(99);
  const day = 86_400_000;
  const rows: unknown[][] = [];
  let fg = 50;
  for (let k = 239; k >= 0; k--) {
    const ts = end - k * day;
    fg = Math.max(1, Math.min(99, Math.round(fg + 12 * (rand() - 0.5))));
    rows.push(["fear-greed", null, tsParam(ts), "value", fg, tsParam(ts + day)]);
    for (const symbol of ["BTC/USDT", "ETH/USDT"]) {
      const u = rand();
      const sig = u < 0.35 ? -1 : u < 0.55 ? 0 : 1;
      rows.push(["token-metrics", symbol, tsParam(ts), "trading_signal", sig, tsParam(ts + day)]);
    }
  }
  const batch = 120;
  for (let k = 0; k < rows.length; k += batch) {
    const chunk = rows.slice(k, k + batch);
    await wh.run(
      `INSERT INTO signals (source, symbol, ts, name, value, available_at, run_id)
       VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?, 'fixture-signals')").join(", ")}`,
      chunk.flat() as never,
    );
  }
  const judged = [
    {
      source: "fear-greed",
      name: "value",
      kind: "fear_greed",
      buckets: ["extreme_fear", "fear", "neutral", "greed", "extreme_greed"],
    },
    {
      source: "token-metrics",
      name: "trading_signal",
      kind: "directional",
      buckets: ["short", "flat", "long"],
    },
  ];
  for (const j of judged) {
    const runId = `run-signal-${j.source}-${j.name}-BTC-USDT-1d`;
    await wh.run(
      `INSERT INTO model_runs (run_id, model, exchange, symbol, timeframe, seed, params,
         feature_set, horizons, started_at, finished_at, status)
       VALUES (?, ?, 'sample', 'BTC/USDT', '1d', 0, ?::JSON, 'signals-v1', [1], ?, ?, 'ok')`,
      [
        runId,
        `signal:${j.source}:${j.name}`,
        JSON.stringify({ source: j.source, name: j.name, kind: j.kind, horizon: 1 }),
        tsParam(created),
        tsParam(created),
      ],
    );
    const rows: [number | null, string, number][] = [];
    for (const fold of [null, 0, 1, 2]) {
      const n = fold === null ? 150 : 50;
      const w = fold === null ? 0 : (fold - 1) * 0.01;
      rows.push([fold, "n", n], [fold, "coverage", 0.98], [
        fold,
        "mean_ret:all",
        round(0.0008 + w),
      ]);
      j.buckets.forEach((b, i) => {
        const m = round(0.002 * (i - (j.buckets.length - 1) / 2) + w);
        const half = round(0.03 / Math.sqrt(n / j.buckets.length));
        rows.push(
          [fold, `n:${b}`, Math.round(n / j.buckets.length)],
          [fold, `mean_ret:${b}`, m],
          [fold, `mean_ret_lo:${b}`, round(m - half)],
          [fold, `mean_ret_hi:${b}`, round(m + half)],
        );
      });
      if (j.kind === "directional") {
        rows.push(
          [fold, "hit_n", Math.round(n * 0.8)],
          [fold, "hit_rate", round(0.53 + w)],
          [fold, "hit_rate_lo", round(0.45 + w)],
          [fold, "hit_rate_hi", round(0.61 + w)],
          [fold, "hit_rate_null", 0.51],
        );
      } else {
        rows.push(
          [fold, "ic", round(0.04 + w)],
          [fold, "ic_lo", round(-0.12 + w)],
          [fold, "ic_hi", round(0.2 + w)],
          [fold, "ic_p", 0.62],
          [fold, "anova_p", 0.71],
        );
      }
      rows.push([fold, "p_value", j.kind === "directional" ? 0.48 : 1], [fold, "informative", 0]);
    }
    await wh.run(
      `INSERT INTO run_metrics (run_id, fold, horizon, metric, value)
       VALUES ${rows.map(() => "(?, ?, 1, ?, ?)").join(", ")}`,
      rows.flatMap((r) => [runId, ...r]),
    );
  }
}
