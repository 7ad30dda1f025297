/**
 * The last step of training a series: record it in the registry, in one
 * transaction. Each return model kind gets a run (with metrics and
 * backtests), a versioned artifact and its card; the research rows (the
 * seed's setup, the volatility models, the judged signals) get runs; the
 * verdict sets the `champion` and `challenger` aliases.
 *
 * @module
 */
import type { Warehouse } from "../../warehouse/db.ts";
import { featureColumns, featureSetHash, featureSetName } from "../features/mod.ts";
import { LEVELS, spanHorizons } from "../evaluation/mod.ts";
import { MODEL_KINDS, MODELS } from "../models/mod.ts";
import {
  codeVersion,
  dataFingerprint,
  leakageSuspect,
  type ModelArtifact,
  modelCard,
  priceBacktestRows,
  recordRun,
  registerVersion,
  type RunMeta,
  setAlias,
  type Verdict,
  volBacktestRows,
  withNulls,
} from "../registry/mod.ts";
import {
  recordJudgements,
  SEED_PARAMS,
  SEED_REFERENCE,
  seedLags,
  volSummaries,
} from "../research/mod.ts";
import type { SeriesEvaluation } from "./evaluate.ts";

/**
 * Records an evaluated series and its verdict; returns the version id of
 * each return model kind. `started` is when its training started (ISO).
 *
 * @example
 * ```ts
 * const versions = await registerSeries(wh, evaluation, verdict, { modelsDir: "models", started, t0 });
 * ```
 */
export async function registerSeries(
  wh: Warehouse,
  e: SeriesEvaluation,
  verdict: Verdict,
  options: { modelsDir: string; started: string; t0: number },
): Promise<Record<string, string>> {
  const { series, frame, signals, horizons, step, lambda, seed, params } = e;
  const tf = series.timeframe;
  const fingerprint = await dataFingerprint(wh, series, { signals });
  const featureHash = await featureSetHash(tf, signals);
  const featureSet = featureSetName(signals);
  const meta: RunMeta = {
    seed,
    data: fingerprint,
    code: await codeVersion(),
    started: Date.parse(options.started),
    durationMs: performance.now() - options.t0,
  };
  const versions: Record<string, string> = {};
  await wh.transaction(async () => {
    for (const kind of MODEL_KINDS) {
      const { points, serving, metrics } = e.kinds.get(kind)!;
      const hyperparams = MODELS[kind].hyperparams(params);
      const run_id = await recordRun(wh, series, {
        model: kind,
        params: hyperparams ?? { levels: LEVELS, ewma_lambda: lambda },
        featureSet: { name: featureSet, hash: featureHash },
        horizons,
        metrics,
        backtest: priceBacktestRows(points, frame, step),
      }, meta);
      const version_id = `${kind}-${series.symbol.replace("/", "")}-${tf}-${
        options.started.replace(/[-:]/g, "").slice(0, 15)
      }-${run_id.slice(4, 10)}`;
      const summary = e.summaries.find((s) => s.model === kind)!;
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
        params: hyperparams ?? {},
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
        summaries: e.summaries,
        verdict,
        suspect: kind !== "naive" && leakageSuspect(summary),
        folds: e.folds,
        regimes: metrics,
        volatility: volSummaries(e.vol),
      });
      versions[kind] = (await registerVersion(wh, options.modelsDir, artifact, card)).version_id;
    }
    await recordRun(wh, series, {
      model: SEED_REFERENCE,
      params: {
        ...SEED_PARAMS,
        seed,
        lags: seedLags(horizons),
        features: "closes at t..t-(lags-1), hour, weekday",
      },
      horizons: spanHorizons(horizons),
      metrics: e.seedReference.metrics,
      backtest: priceBacktestRows(e.seedReference.points, frame, step).map(withNulls),
    }, meta);
    const volRows = spanHorizons(horizons);
    for (const v of e.vol) {
      await recordRun(wh, series, {
        model: v.model,
        params: v.params,
        horizons: v.horizons,
        metrics: v.rows,
        // Backtest rows at the first, middle and last horizons only (all are scored): a
        // row per origin and horizon would triple the table for hourly series.
        backtest: volBacktestRows(v.points.filter((p) => volRows.includes(p.h)), frame, step)
          .map(withNulls),
        featureSet: v.model === "vol:xgboost" ? { name: featureSet, hash: featureHash } : undefined,
      }, meta);
    }
    await recordJudgements(wh, series, e.judgements, meta);
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
  return versions;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}
