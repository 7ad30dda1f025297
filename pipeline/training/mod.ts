/**
 * The steps of training a series, in order: {@link evaluateSeries} (features,
 * folds, every return model walk-forward and the research rows beside them,
 * scored), {@link decideSeries} (the champion, defending the one in place) and
 * {@link registerSeries} (runs, versions, cards and aliases in one
 * transaction). `pipeline/train.ts` runs them.
 *
 * @module
 */
export {
  defaultHorizons,
  type EvaluateOptions,
  evaluateSeries,
  ewmaLambda,
  InsufficientDataError,
  type KindEvaluation,
  type SeriesEvaluation,
} from "./evaluate.ts";
export { decideSeries } from "./decide.ts";
export { registerSeries } from "./register.ts";
