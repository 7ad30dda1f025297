/**
 * XGBoost regression of the forward log return on the feature row, trained
 * in the worker pool; served from the booster's bytes in the artifact.
 *
 * @module
 */
import { Booster, type XgbParams } from "./booster.ts";
import type { ReturnModel } from "./model.ts";

/**
 * The XGBoost model.
 *
 * @example
 * ```ts
 * const { preds, booster } = await xgboost.fit({ x, y, predict: [xTest], save: true, pool, params });
 * ```
 */
export const xgboost: ReturnModel = {
  fit: async (input) => {
    const r = await input.pool.fit({
      x: input.x,
      y: input.y,
      params: input.params,
      predict: input.predict,
      save: input.save,
    });
    return { preds: r.preds, booster: r.bytes };
  },
  predict: async (horizon, x, params) => {
    const bytes = Uint8Array.from(atob(horizon.booster_base64!), (ch) => ch.charCodeAt(0));
    const b = await Booster.load(bytes, params as XgbParams);
    try {
      return b.predict([x as number[]])[0];
    } finally {
      b.free();
    }
  },
  hyperparams: (params) => params,
};
