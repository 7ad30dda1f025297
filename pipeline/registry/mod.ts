/**
 * The model registry: the one owner of `model_runs`, `run_metrics`,
 * `backtest_predictions`, `model_versions` and `model_aliases`. It records
 * runs with their metrics and backtests ({@link recordRun}), versions with
 * their artifacts and cards on disk ({@link registerVersion}), aliases with
 * their history ({@link setAlias}), decides who is champion
 * ({@link decideChampion}), fingerprints the data a run read, and holds the
 * one rule for whether a version can be served ({@link servableArtifact}).
 * The current champions are read through the warehouse's `champions` view.
 *
 * @module
 */
export { recordRun, type RunMeta, type RunRecord } from "./runs.ts";
export { writeRunMetrics } from "./metrics.ts";
export {
  BACKTEST_COLUMNS,
  type BacktestRow,
  priceBacktestRows,
  volBacktestRows,
  withNulls,
  writeBacktest,
} from "./backtests.ts";
export {
  artifactBytes,
  type ArtifactContent,
  loadArtifact,
  type ModelArtifact,
  registerVersion,
  setAlias,
} from "./versions.ts";
export {
  readServable,
  type ServableArtifact,
  servableArtifact,
  staleFeatureSet,
} from "./servable.ts";
export { modelCard } from "./card.ts";
export {
  decideChampion,
  type DmTest,
  LEAKAGE_LIMITS,
  leakageReason,
  leakageSuspect,
  type ModelSummary,
  NEVER_PROMOTED,
  pairedDm,
  summaryOf,
  type Verdict,
} from "./promotion.ts";
export { type DataFingerprint, dataFingerprint } from "./fingerprint.ts";
export { codeVersion } from "./code_version.ts";
