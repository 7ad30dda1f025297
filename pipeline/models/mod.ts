/**
 * The return models: each kind is one module with `fit` (used by the
 * walk-forward and by serving fits) and `predict` (used by forecasts from
 * its artifact). Adding a kind means writing its module and listing it in
 * {@link MODELS}. Also the XGBoost booster (WASM) and its worker pool.
 *
 * @module
 */
import type { ReturnModel } from "./model.ts";
import { naive } from "./naive.ts";
import { drift } from "./drift.ts";
import { xgboost } from "./xgboost.ts";

export type { FitInput, Fitted, ReturnModel, ServedHorizon } from "./model.ts";
export {
  Booster,
  DEFAULT_XGB_PARAMS,
  type Matrix,
  type Rows,
  toMatrix,
  type XgbParams,
} from "./booster.ts";
export { XgbPool } from "./pool.ts";

/** Every return model kind, in the order they are evaluated and recorded. */
export const MODELS = { naive, drift, xgboost } as const satisfies Record<string, ReturnModel>;

/** The name of a return model kind. */
export type ModelKind = keyof typeof MODELS;

/** The kinds, in {@link MODELS} order. */
export const MODEL_KINDS = Object.keys(MODELS) as ModelKind[];

/**
 * The model of a kind; an unknown kind is an error that names it.
 *
 * @example
 * ```ts
 * const r = await modelOf(artifact.model).predict(horizon, row, artifact.params);
 * ```
 */
export function modelOf(kind: string): ReturnModel {
  if (!Object.hasOwn(MODELS, kind)) {
    throw new RangeError(
      `Unknown model kind "${kind}": this code knows ${MODEL_KINDS.join(", ")}`,
    );
  }
  return MODELS[kind as ModelKind];
}
