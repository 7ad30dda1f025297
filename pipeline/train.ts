/**
 * `train`: for each series, builds features, evaluates naive, drift and
 * XGBoost walk-forward on the same folds, records runs, metrics and
 * backtest predictions, registers a version per model and decides the
 * champion. Each series is written in one transaction.
 *
 * @module
 */
import type { Warehouse } from "../warehouse/db.ts";
import { type Timeframe, timeframeMs } from "../core/candles.ts";
import { featureColumns, featureSetHash, featureSetName, loadFeatures } from "./features/core.ts";
import { signalSpecs } from "./features/signals.ts";
import { judgeSignal, recordJudgements, type SignalJudgement } from "./research/signals.ts";
import { makeFolds } from "./evaluation/folds.ts";
import { ewmaVolatility, forwardLogReturns } from "./evaluation/targets.ts";
import {
  type BacktestPoint,
  type EvalSetup,
  LEVELS,
  type ModelKind,
  walkForward,
} from "./evaluation/walkforward.ts";
import { type MetricRow, scorePoints } from "./evaluation/score.ts";
import {
  decideChampion,
  type DmTest,
  leakageSuspect,
  type ModelSummary,
  pairedDm,
} from "./registry/promotion.ts";
import type { Series } from "../core/series.ts";
import { type ModelArtifact, registerVersion, setAlias } from "./registry/versions.ts";
import { modelCard } from "./registry/card.ts";
import { XgbPool } from "./models/pool.ts";
import { regimeRows } from "./evaluation/regimes.ts";
import {
  SEED_PARAMS,
  SEED_REFERENCE,
  seedLags,
  seedReferenceWalkForward,
} from "./research/seed_reference.ts";
import { spanHorizons } from "./evaluation/volatility.ts";
import { evaluateVolatility, volSummaries } from "./research/volatility.ts";
import {
  BACKTEST_COLUMNS,
  priceBacktestRows,
  recordEvaluationRun,
  summaryOf,
  volBacktestRows,
} from "./registry/runs.ts";
import { DEFAULT_XGB_PARAMS, type XgbParams } from "./models/booster.ts";
import { writeRunMetrics } from "./registry/metrics.ts";
import { dataFingerprint } from "./registry/fingerprint.ts";

/** Moved to `fingerprint.ts`; re-exported for existing callers. */
export { dataFingerprint };

/** A series too short to evaluate honestly; callers may skip it. */
export class InsufficientDataError extends RangeError {}

/** Default horizons: 1..24 hours for hourly series, 1..7 days for daily ones. */
export function defaultHorizons(tf: Timeframe): number[] {
  const n = tf === "1d" ? 7 : tf === "1h" ? 24 : tf === "1w" ? 4 : 12;
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** EWMA decay for interval scaling, per timeframe. */
export function ewmaLambda(tf: Timeframe): number {
  return tf === "1d" || tf === "1w" ? 0.94 : 0.97;
}

/** Options for {@link trainSeries}. */
export interface TrainOptions {
  modelsDir: string;
  horizons?: number[];
  folds?: number;
  seed?: number;
  params?: Partial<XgbParams>;
  pool?: XgbPool;
  log?: (line: string) => void;
}

/** What a series' training produced. */
export interface TrainResult {
  series: Series;
  champion: string;
  reason: string;
  summaries: ModelSummary[];
  versions: Record<string, string>;
  /** External signals judged on the same folds (see `signals/judge.ts`). */
  signals: SignalJudgement[];
  ms: number;
}

const KINDS: readonly ModelKind[] = ["naive", "drift", "xgboost"];

/**
 * Trains and evaluates every model of one series and promotes a champion.
 *
 * @example
 * ```ts
 * const r = await trainSeries(wh, { exchange: "sample", symbol: "BTC/USDT", timeframe: "1d" }, { modelsDir: "models" });
 * console.log(r.champion, r.reason);
 * ```
 */
export async function trainSeries(
  wh: Warehouse,
  series: Series & { timeframe: Timeframe },
  options: TrainOptions,
): Promise<TrainResult> {
  const t0 = performance.now();
  const started = new Date().toISOString();
  const tf = series.timeframe;
  const step = timeframeMs(tf);
  const horizons = options.horizons ?? defaultHorizons(tf);
  const seed = options.seed ?? 42;
  const params: XgbParams = { ...DEFAULT_XGB_PARAMS, ...options.params, seed };
  const signals = await signalSpecs(wh, series);
  const frame = await loadFeatures(wh, series, signals);
  const H = Math.max(...horizons);
  if (frame.ts.length < 200 + H) {
    throw new InsufficientDataError(
      `Not enough candles to train ${series.exchange} ${series.symbol} ${tf}: ${frame.ts.length} usable rows after warm-up, need at least ${
        200 + H
      }`,
    );
  }
  const targets = new Map(
    horizons.map((h) => [h, forwardLogReturns(frame.ts, frame.close, h, step)]),
  );
  const lambda = ewmaLambda(tf);
  const returns = frame.x.map((r) => r[0]);
  const sigma = ewmaVolatility(returns, { lambda });
  const folds = makeFolds(frame.ts[0], frame.ts[frame.ts.length - 1], {
    k: options.folds ?? 4,
    step,
  });
  // Signals are judged as forecasters of the next candle on the same folds.
  const next = targets.get(1) ?? forwardLogReturns(frame.ts, frame.close, 1, step);
  const judgements = signals.map((spec, k) =>
    judgeSignal({ spec, ts: frame.ts, values: frame.signals[k], y: next, folds })
  );
  const ownPool = !options.pool;
  const pool = options.pool ?? new XgbPool();
  const setup: EvalSetup = { frame, targets, sigma, horizons, folds, step, pool, params };
  const results = new Map<ModelKind, Awaited<ReturnType<typeof walkForward>>>();
  let extra;
  try {
    for (const kind of KINDS) {
      const k0 = performance.now();
      results.set(kind, await walkForward(kind, setup));
      options.log?.(
        `  ${series.symbol} ${tf} ${kind}: ${folds.length} folds × ${horizons.length} horizons in ${
          ((performance.now() - k0) / 1000).toFixed(1)
        } s`,
      );
    }
    // Evaluation-only rows on the same folds: the seed's setup and the volatility models.
    const e0 = performance.now();
    extra = await Promise.all([
      seedReferenceWalkForward(setup),
      evaluateVolatility({ ...setup, returns, tf, lambda, seed }),
    ]);
    options.log?.(
      `  ${series.symbol} ${tf} seed-reference + volatility models in ${
        ((performance.now() - e0) / 1000).toFixed(1)
      } s`,
    );
  } finally {
    if (ownPool) pool.close();
  }
  const naivePoints = results.get("naive")!.points;
  const metrics = new Map<ModelKind, MetricRow[]>();
  const summaries: ModelSummary[] = [];
  for (const kind of KINDS) {
    const rows = [
      ...scorePoints(results.get(kind)!.points, naivePoints),
      ...regimeRows(results.get(kind)!.points, { sigma, ts: frame.ts, folds }),
    ];
    metrics.set(kind, rows);
    const overall = (m: string, h: number | null = null) =>
      rows.find((r) => r.fold === null && r.horizon === h && r.metric === m)?.value ?? NaN;
    summaries.push({
      model: kind,
      mase: overall("mase"),
      dirAcc: overall("dir_acc"),
      coverage80: overall("coverage_80"),
      dmP1: overall("dm_p", horizons[0]),
      dmStat1: overall("dm_stat", horizons[0]),
      // A leak often shows at the first horizon only, hidden by the average over all of them.
      mase1: overall("mase", horizons[0]),
      dirAcc1: overall("dir_acc", horizons[0]),
    });
  }
  const [seedPoints, vol] = extra;
  const seedRows = [
    ...scorePoints(seedPoints, naivePoints),
    ...regimeRows(seedPoints, { sigma, ts: frame.ts, folds }),
  ];
  summaries.push(summaryOf(SEED_REFERENCE, seedRows, horizons[0]));
  // The champion in place before this run is defended on these same folds.
  const current = await currentChampionKind(wh, series);
  const versusCurrent: Record<string, DmTest> = {};
  const currentPoints = results.get(current as ModelKind)?.points;
  for (const kind of KINDS) {
    if (currentPoints && kind !== current) {
      versusCurrent[kind] = pairedDm(results.get(kind)!.points, currentPoints, horizons[0]);
    }
  }
  const verdict = decideChampion(summaries, { current, versusCurrent });
  const fingerprint = await dataFingerprint(wh, series, { signals });
  const featureHash = await featureSetHash(tf, signals);
  const featureSet = featureSetName(signals);
  const code = await codeVersion();
  const versions: Record<string, string> = {};
  const duration = performance.now() - t0;

  await wh.transaction(async () => {
    for (const kind of KINDS) {
      const run_id = `run-${crypto.randomUUID()}`;
      const version_id = `${kind}-${series.symbol.replace("/", "")}-${tf}-${
        started.replace(/[-:]/g, "").slice(0, 15)
      }-${run_id.slice(4, 10)}`;
      const { points, serving } = results.get(kind)!;
      await wh.run(
        `INSERT INTO model_runs (run_id, model, exchange, symbol, timeframe, seed, params,
           feature_set, feature_set_hash, horizons, data_start, data_end, data_fingerprint,
           code_version, started_at, finished_at, duration_ms, status)
         VALUES (?, ?, ?, ?, ?, ?, ?::JSON, ?, ?, ?::INTEGER[], ?::TIMESTAMP, ?::TIMESTAMP, ?, ?,
                 ?::TIMESTAMP, now()::TIMESTAMP, ?, 'ok')`,
        [
          run_id,
          kind,
          series.exchange,
          series.symbol,
          tf,
          seed,
          JSON.stringify(kind === "xgboost" ? params : { levels: LEVELS, ewma_lambda: lambda }),
          featureSet,
          featureHash,
          `[${horizons.join(",")}]`,
          iso(fingerprint.start),
          iso(fingerprint.end),
          fingerprint.hash,
          code,
          iso(Date.parse(started)),
          duration,
        ],
      );
      await writeRunMetrics(wh, run_id, metrics.get(kind)!);
      await writeBacktest(wh, run_id, series, frame.ts, frame.close, step, points);
      const summary = summaries.find((s) => s.model === kind)!;
      const artifact: ModelArtifact = {
        format: "prevision-model/1",
        version_id,
        run_id,
        model: kind,
        // The key alone: callers' series objects may carry more (the schedule's reason).
        series: { exchange: series.exchange, symbol: series.symbol, timeframe: tf },
        feature_set: featureSet,
        feature_set_hash: featureHash,
        feature_columns: featureColumns(signals),
        sigma: { method: "ewma", lambda },
        levels: LEVELS,
        params: kind === "xgboost" ? params : {},
        seed,
        data: {
          start: new Date(fingerprint.start).toISOString(),
          end: new Date(fingerprint.end).toISOString(),
          fingerprint: fingerprint.hash,
        },
        horizons: serving.map(({ booster, ...m }) => ({
          ...m,
          booster_base64: booster ? toBase64(booster) : undefined,
        })),
        summary: { ...summary } as unknown as Record<string, number>,
      };
      const card = modelCard(artifact, {
        summaries,
        verdict,
        suspect: kind !== "naive" && leakageSuspect(summary),
        folds,
        regimes: metrics.get(kind),
        volatility: volSummaries(vol),
      });
      const v = await registerVersion(wh, options.modelsDir, artifact, card);
      versions[kind] = v.version_id;
    }
    const meta = {
      seed,
      data: fingerprint,
      code,
      started: Date.parse(started),
      durationMs: duration,
    };
    await recordEvaluationRun(wh, series, {
      model: SEED_REFERENCE,
      params: {
        ...SEED_PARAMS,
        seed,
        lags: seedLags(horizons),
        features: "closes at t..t-(lags-1), hour, weekday",
      },
      horizons: spanHorizons(horizons),
      rows: seedRows,
      backtest: priceBacktestRows(seedPoints, frame, step),
    }, meta);
    const volRows = spanHorizons(horizons);
    for (const v of vol) {
      await recordEvaluationRun(wh, series, {
        model: v.model,
        params: v.params,
        horizons: v.horizons,
        rows: v.rows,
        // Backtest rows at the first, middle and last horizons only (all are scored): a
        // row per origin and horizon would triple the table for hourly series.
        backtest: volBacktestRows(v.points.filter((p) => volRows.includes(p.h)), frame, step),
        featureSet: v.model === "vol:xgboost" ? { name: featureSet, hash: featureHash } : undefined,
      }, meta);
    }
    await recordJudgements(wh, series, judgements, {
      started: Date.parse(started),
      data: { ...fingerprint, fingerprint: fingerprint.hash },
      code,
      durationMs: duration,
    });
    const challenger = verdict.champion === "xgboost" ? "naive" : "xgboost";
    await setAlias(wh, "champion", versions[verdict.champion], series, verdict.reason);
    await setAlias(
      wh,
      "challenger",
      versions[challenger],
      series,
      `challenger to ${verdict.champion}`,
    );
  });
  return {
    series,
    champion: verdict.champion,
    reason: verdict.reason,
    summaries,
    versions,
    signals: judgements,
    ms: performance.now() - t0,
  };
}

async function writeBacktest(
  wh: Warehouse,
  run_id: string,
  series: Series,
  ts: number[],
  close: number[],
  step: number,
  points: BacktestPoint[],
): Promise<void> {
  await wh.append(
    "backtest_predictions",
    BACKTEST_COLUMNS,
    points.map((p) => {
      const c = close[p.origin];
      return [
        run_id,
        series.exchange,
        series.symbol,
        series.timeframe,
        p.fold,
        ts[p.origin],
        ts[p.origin] + p.h * step,
        p.h,
        c,
        c * Math.exp(p.y),
        c * Math.exp(p.yhat),
        c * Math.exp(p.yhat - p.half[0.8]),
        c * Math.exp(p.yhat + p.half[0.8]),
        0.8,
      ];
    }),
  );
}

/** The model kind of a series' current champion, or undefined before its first run. */
async function currentChampionKind(wh: Warehouse, s: Series): Promise<string | undefined> {
  const r = await wh.one<{ model: string }>(
    "SELECT model FROM champions WHERE exchange = ? AND symbol = ? AND timeframe = ?",
    [s.exchange, s.symbol, s.timeframe],
  );
  return r?.model;
}

let gitVersion: Promise<string> | undefined;
/** The git commit of the code (with `-dirty` for uncommitted changes), or `unknown`. */
export function codeVersion(): Promise<string> {
  gitVersion ??= (async () => {
    try {
      const run = async (...args: string[]) =>
        new TextDecoder().decode(
          (await new Deno.Command("git", { args, stdout: "piped", stderr: "null" }).output())
            .stdout,
        ).trim();
      const head = await run("rev-parse", "--short=12", "HEAD");
      if (!head) return "unknown";
      const dirty = await run("status", "--porcelain", "--untracked-files=no");
      return dirty ? `${head}-dirty` : head;
    } catch {
      return "unknown";
    }
  })();
  return gitVersion;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "");
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}
