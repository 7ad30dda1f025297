/**
 * Research measured beside the return models on the same folds, never
 * versioned, promoted or served: volatility forecasters (`vol:*`, with the
 * HAR regression), the seed project's setup kept as a reference row
 * (`seed-reference`), and external signals judged as forecasters of the
 * next candle (`signal:<source>:<name>`). Each is recorded as a run through
 * the registry.
 *
 * @module
 */
export {
  evaluateVolatility,
  scoreVolatility,
  VOL_MODELS,
  VOL_XGB_PARAMS,
  type VolEvaluation,
  type VolModel,
  type VolPoint,
  type VolSetup,
  volSummaries,
  type VolSummary,
} from "./volatility.ts";
export { fitOls, harFeatures, harWindows, type LinearFit, predictLinear } from "./har.ts";
export {
  SEED_PARAMS,
  SEED_REFERENCE,
  seedFeatures,
  seedLags,
  seedReferenceWalkForward,
} from "./seed_reference.ts";
export {
  FEAR_GREED_BUCKETS,
  type JudgeInput,
  judgeSignal,
  recordJudgements,
  type SignalJudgement,
  type SignalKind,
  signalKind,
} from "./signals.ts";
