/**
 * Honest evaluation of return forecasters: walk-forward folds with
 * embargoes, forward log-return targets, causal EWMA volatility,
 * split-conformal intervals per volatility bin, and the metrics every model
 * is scored by (overall, per fold, per horizon and per volatility regime).
 * Pure functions over columns: no warehouse, no files.
 *
 * @module
 */
export { type Fold, makeFolds, trainIndices } from "./folds.ts";
export { ewmaVolatility, forwardLogReturns } from "./targets.ts";
export {
  binOf,
  calibratedHalfWidths,
  type Calibration,
  fitCalibration,
  halfWidths,
  LEVELS,
  MIN_BIN,
  type VolatilityBins,
} from "./conformal.ts";
export {
  type BacktestPoint,
  type EvalSetup,
  type HorizonModel,
  MIN_SERVING_SCORES,
  walkForward,
} from "./walkforward.ts";
export { type MetricRow, scorePoints } from "./score.ts";
export { type Regime, regimeOf, regimeRows, REGIMES, tercileThresholds } from "./regimes.ts";
export {
  coverage,
  dieboldMariano,
  directionalAccuracy,
  mae,
  mapePrice,
  mean,
  quantile,
  rmse,
  upRate,
} from "./metrics.ts";
export {
  mseVariance,
  qlike,
  realizedVolatility,
  spanHorizons,
  trailingVolatility,
  varianceScale,
} from "./volatility.ts";
