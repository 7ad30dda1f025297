/**
 * XGBoost through ml-xgboost (XGBoost 0.7 compiled to WASM), loaded so that
 * it works under Deno, with boosters that free their WASM memory.
 *
 * ml-xgboost's emscripten glue takes its browser branch when `self` exists
 * (it does in Deno) and then cannot find `xgboost.wasm`. Loading it through
 * `createRequire` with `self` hidden for the duration of the load makes it
 * take the Node branch. Nothing in node_modules is patched.
 *
 * @module
 */
import { createRequire } from "node:module";

/** Booster parameters (XGBoost 0.7 names). */
export interface XgbParams {
  objective: "reg:linear";
  max_depth: number;
  eta: number;
  subsample: number;
  colsample_bytree: number;
  min_child_weight: number;
  lambda: number;
  iterations: number;
  /** The starting prediction; XGBoost's default 0.5 would bias returns badly. */
  base_score: number;
  tree_method: "hist" | "exact";
  seed: number;
}

/** Defaults for return regression: shallow, heavily regularised trees (returns are mostly noise). */
export const DEFAULT_XGB_PARAMS: XgbParams = {
  objective: "reg:linear",
  max_depth: 3,
  eta: 0.03,
  subsample: 0.7,
  colsample_bytree: 0.8,
  min_child_weight: 200,
  lambda: 10,
  iterations: 50,
  base_score: 0,
  tree_method: "hist",
  seed: 42,
};

interface MlXgbInstance {
  train(x: number[][], y: number[]): void;
  predict(x: number[][]): number[];
  toJSON(): { name: string; model: number[]; options: Record<string, string> };
  free(): void;
}
interface MlXgbClass {
  new (options: Record<string, unknown>): MlXgbInstance;
  load(model: { name: string; model: number[]; options: Record<string, unknown> }): MlXgbInstance;
}

let loading: Promise<MlXgbClass> | undefined;

/** Loads ml-xgboost once per process. */
export function loadXgboost(): Promise<MlXgbClass> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const g = globalThis as { self?: unknown };
    const self = g.self;
    const warn = console.warn, error = console.error;
    // The glue reports its (harmless) fallback from streaming compilation.
    console.warn = console.error = () => {};
    delete g.self;
    try {
      return await (require("ml-xgboost") as Promise<MlXgbClass>);
    } finally {
      g.self = self;
      console.warn = warn;
      console.error = error;
    }
  })();
  return loading;
}

/**
 * A trained booster; call {@link Booster.free} when done (WASM memory is not
 * garbage collected).
 *
 * @example
 * ```ts
 * const b = await Booster.train(X, y, DEFAULT_XGB_PARAMS);
 * const yhat = b.predict(Xtest);
 * const bytes = b.save();
 * b.free();
 * ```
 */
export class Booster {
  private constructor(private inner: MlXgbInstance | undefined) {}

  /** Trains a booster on rows `x` and targets `y`. */
  static async train(x: number[][], y: number[], params: XgbParams): Promise<Booster> {
    if (x.length === 0) throw new RangeError("Cannot train XGBoost on zero rows");
    if (x.length !== y.length) {
      throw new RangeError(`XGBoost rows (${x.length}) and targets (${y.length}) differ`);
    }
    const XGBoost = await loadXgboost();
    const m = new XGBoost({ ...params, silent: 1, nthread: 1 });
    await quietly(() => m.train(x, y));
    return new Booster(m);
  }

  /** Restores a booster from {@link Booster.save}'s bytes. */
  static async load(bytes: Uint8Array, params: XgbParams): Promise<Booster> {
    const XGBoost = await loadXgboost();
    const model = Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return new Booster(XGBoost.load({ name: "ml-xgboost", model, options: { ...params } }));
  }

  /** Predictions for rows `x`. */
  predict(x: number[][]): number[] {
    if (x.length === 0) return [];
    return this.#model().predict(x);
  }

  /** The booster in XGBoost's binary model format. */
  save(): Uint8Array {
    const { model } = this.#model().toJSON();
    return new Uint8Array(Int8Array.from(model).buffer);
  }

  /** Frees the WASM memory; the booster cannot be used afterwards. */
  free(): void {
    this.inner?.free();
    this.inner = undefined;
  }

  #model(): MlXgbInstance {
    if (!this.inner) throw new Error("This XGBoost booster was freed");
    return this.inner;
  }
}

/** Runs `fn` with XGBoost's own stderr chatter silenced. */
async function quietly<T>(fn: () => T): Promise<T> {
  const error = console.error;
  console.error = (...args: unknown[]) => {
    if (typeof args[0] === "string" && /^\[\d\d:\d\d:\d\d\]/.test(args[0])) return;
    error(...args);
  };
  try {
    return await fn();
  } finally {
    console.error = error;
  }
}
