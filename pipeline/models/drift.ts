/**
 * Drift: the forecast log return is the mean of the training targets, a
 * constant per horizon.
 *
 * @module
 */
import { mean } from "../evaluation/metrics.ts";
import type { ReturnModel } from "./model.ts";

/**
 * The drift model.
 *
 * @example
 * ```ts
 * const { constant } = await drift.fit({ x, y, predict: [], save: true, pool, params });
 * ```
 */
export const drift: ReturnModel = {
  fit: (input) => {
    const constant = mean(input.y);
    return Promise.resolve({
      preds: input.predict.map((rows) => rows.map(() => constant)),
      constant,
    });
  },
  predict: (horizon) => Promise.resolve(horizon.constant ?? 0),
  hyperparams: () => undefined,
};
