/**
 * "No change": the forecast log return is 0 at every horizon (the price
 * stays). The baseline every other kind must beat.
 *
 * @module
 */
import type { ReturnModel } from "./model.ts";

/**
 * The naive model.
 *
 * @example
 * ```ts
 * const { preds } = await naive.fit({ x, y, predict: [xTest], save: false, pool, params });
 * ```
 */
export const naive: ReturnModel = {
  fit: (input) => Promise.resolve({ preds: input.predict.map((rows) => rows.map(() => 0)) }),
  predict: () => Promise.resolve(0),
  hyperparams: () => undefined,
};
