/**
 * What a return model kind is: how it fits on training origins (predicting
 * any other origins on the way) and how its served form predicts one row.
 * Walk-forward evaluation and serving fits call {@link ReturnModel.fit};
 * forecasting calls {@link ReturnModel.predict} on the artifact's horizon.
 *
 * @module
 */
import type { XgbPool } from "./pool.ts";
import type { XgbParams } from "./booster.ts";

/** One fit: training rows and targets, the row sets to predict, and the shared tools. */
export interface FitInput {
  /** Feature rows of the training origins. */
  x: number[][];
  /** Their targets (forward log returns). */
  y: number[];
  /** Row sets to predict with the fitted model, in order. */
  predict: number[][][];
  /** Keep the fitted state for serving (a booster's bytes). */
  save: boolean;
  /** Workers for models that train boosters. */
  pool: XgbPool;
  /** Booster parameters, for the kinds that use them. */
  params: XgbParams;
}

/** A fit's predictions for each of `predict`, and what serving keeps of it. */
export interface Fitted {
  preds: number[][];
  /** A constant forecast (drift). */
  constant?: number;
  /** The booster's bytes (xgboost, when `save`). */
  booster?: Uint8Array;
}

/** A served horizon as the artifact stores it (only what predicting reads). */
export interface ServedHorizon {
  constant?: number;
  booster_base64?: string;
}

/** A return model kind. */
export interface ReturnModel {
  /** Fits on training origins and predicts the row sets asked for. */
  fit(input: FitInput): Promise<Fitted>;
  /** The forecast log return of one feature row from an artifact's horizon. */
  predict(horizon: ServedHorizon, x: readonly number[], params: unknown): Promise<number>;
  /** The booster parameters it records in its run and artifact, or undefined when it has none. */
  hyperparams(params: XgbParams): XgbParams | undefined;
}
