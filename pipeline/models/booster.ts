/**
 * XGBoost through ml-xgboost (XGBoost 0.7, `fast_hist`, compiled to WASM by
 * emscripten 1.37: single-threaded, no SIMD), loaded so that it works under
 * Deno, with boosters that free their WASM memory.
 *
 * ml-xgboost's emscripten glue takes its browser branch when `self` exists
 * (it does in Deno) and then cannot find `xgboost.wasm`. Loading it through
 * `createRequire` with `self` hidden for the duration of the load makes it
 * take the Node branch. Nothing in node_modules is patched.
 *
 * Data goes into the WASM heap directly, as float32, from a {@link Matrix}
 * or from rows, with the same C calls and parameters as ml-xgboost's own
 * class (so the same inputs give the same booster bytes), but without its
 * copies: ml-matrix, a flattened array, a Float32Array, then the emscripten
 * stack. That stack is 5 MB: ml-xgboost's `train()` fails with "memory
 * access out of bounds" from about 60,000 rows × 21 features; this path has
 * no such limit.
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

/** A row-major float32 matrix: row `i` is `data.subarray(i * cols, (i + 1) * cols)`. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
  /** Missing values already encoded for the WASM ({@link encodeMissing}): never twice. */
  encoded?: boolean;
}

/** Rows or a {@link Matrix}: what training and prediction take. */
export type Rows = number[][] | Matrix;

/**
 * Packs rows into a float32 {@link Matrix} (the precision XGBoost uses):
 * one copy, and a buffer that can be transferred to a worker.
 *
 * @example
 * ```ts
 * const m = toMatrix([[1, 2], [3, 4]]); // { rows: 2, cols: 2, data: Float32Array [1, 2, 3, 4] }
 * ```
 */
export function toMatrix(x: Rows): Matrix {
  if (!Array.isArray(x)) {
    if (x.encoded) return x;
    const raw = x.data.some((v) => v === -1 || v !== v);
    return { ...x, data: raw ? encodeMissing(Float32Array.from(x.data)) : x.data, encoded: true };
  }
  const rows = x.length, cols = rows ? x[0].length : 0;
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    if (x[i].length !== cols) {
      throw new RangeError(`XGBoost row ${i} has ${x[i].length} features, row 0 has ${cols}`);
    }
    data.set(x[i], i * cols);
  }
  return { data: encodeMissing(data), rows, cols, encoded: true };
}

/** The float32 just above -1: where a real -1 goes (see {@link encodeMissing}). */
const NOT_QUITE_MINUS_ONE = Math.fround(-1 + 2 ** -24);

/**
 * ml-xgboost's WASM reads -1 as "missing" (and NaN as a value it cannot take):
 * a missing value (NaN) becomes -1, and a real -1 (a sell signal, say) the
 * float32 just above it, so the two stay apart. In place; returns `data`.
 *
 * @example
 * ```ts
 * encodeMissing(Float32Array.of(NaN, -1, 1)); // Float32Array [-1, -0.99999994, 1]
 * ```
 */
export function encodeMissing(data: Float32Array): Float32Array {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== v) data[i] = -1;
    else if (v === -1) data[i] = NOT_QUITE_MINUS_ONE;
  }
  return data;
}

/** The emscripten module's exports that this file calls. */
interface Wasm {
  HEAPU8: Uint8Array;
  HEAPF32: Float32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _create_model(x: number, y: number, rows: number, cols: number): number;
  _train_full_model(model: number, iterations: number): void;
  _predict_one(model: number, row: number, cols: number, out: number): number;
  _prediction_size(model: number, row: number, cols: number, out: number): number;
  _save_model(model: number): number;
  _get_file_content(out: number, size: number): void;
  _load_model(bytes: number, size: number): number;
  _free_memory_model(model: number): void;
  cwrap(name: string, ret: null, args: string[]): (...a: unknown[]) => void;
}

interface Loaded {
  wasm: Wasm;
  setParam: (model: number, name: string, value: string) => void;
}

let loading: Promise<Loaded> | undefined;

/** Loads ml-xgboost's WASM once per process (or worker). */
function loadWasm(): Promise<Loaded> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const g = globalThis as { self?: unknown };
    const self = g.self;
    const warn = console.warn, error = console.error;
    // The glue reports its (harmless) fallback from streaming compilation.
    console.warn = console.error = () => {};
    delete g.self;
    try {
      // The package's entry resolves once the runtime is up; the module it
      // wraps is the glue below (the same instance, from require's cache).
      await require("ml-xgboost");
      const wasm = require("ml-xgboost/dist/wasm/xgboost") as Wasm;
      return { wasm, setParam: wasm.cwrap("set_param", null, ["number", "string", "string"]) };
    } finally {
      g.self = self;
      console.warn = warn;
      console.error = error;
    }
  })();
  return loading;
}

/**
 * ml-xgboost's defaults, set before ours in this order (it sets every option,
 * `predictionSize` included, which XGBoost ignores): kept so that boosters
 * are byte-identical to the ones its class trains.
 */
const ML_XGBOOST_DEFAULTS = {
  booster: "gbtree",
  objective: "reg:linear",
  max_depth: 5,
  eta: 0.1,
  min_child_weight: 1,
  subsample: 0.5,
  colsample_bytree: 1,
  silent: 1,
  iterations: 200,
  predictionSize: 1,
};

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
  private constructor(private wasm: Wasm, private handle: number) {}

  /** Trains a booster on rows `x` and targets `y`. */
  static async train(x: Rows, y: ArrayLike<number>, params: XgbParams): Promise<Booster> {
    const m = toMatrix(x);
    if (m.rows === 0) throw new RangeError("Cannot train XGBoost on zero rows");
    if (m.rows !== y.length) {
      throw new RangeError(`XGBoost rows (${m.rows}) and targets (${y.length}) differ`);
    }
    const { wasm, setParam } = await loadWasm();
    const px = wasm._malloc(m.data.byteLength), py = wasm._malloc(m.rows * 4);
    let handle = 0;
    try {
      // HEAPF32 is read after malloc: a grown heap is a new buffer.
      wasm.HEAPF32.set(m.data, px >> 2);
      wasm.HEAPF32.set(y, py >> 2);
      handle = wasm._create_model(px, py, m.rows, m.cols); // copies both
    } finally {
      wasm._free(px);
      wasm._free(py);
    }
    const b = new Booster(wasm, handle);
    const options: Record<string, unknown> = {
      ...ML_XGBOOST_DEFAULTS,
      ...params,
      silent: 1,
      nthread: 1,
    };
    try {
      await quietly(() => {
        for (const [k, v] of Object.entries(options)) {
          if (k !== "iterations") setParam(handle, k, String(v));
        }
        wasm._train_full_model(handle, params.iterations);
      });
    } catch (err) {
      b.free();
      throw err;
    }
    return b;
  }

  /** Restores a booster from {@link Booster.save}'s bytes (`params` are not needed any more). */
  static async load(bytes: Uint8Array, _params?: XgbParams): Promise<Booster> {
    const { wasm } = await loadWasm();
    const p = wasm._malloc(bytes.byteLength);
    try {
      wasm.HEAPU8.set(bytes, p);
      const handle = wasm._load_model(p, bytes.byteLength);
      if (handle === 0) throw new Error("XGBoost could not load this model");
      return new Booster(wasm, handle);
    } finally {
      wasm._free(p);
    }
  }

  /** Predictions for rows `x`, one float32 value each (as ml-xgboost's `predict`). */
  predict(x: Rows): number[] {
    const handle = this.#handle();
    const m = toMatrix(x);
    if (m.rows === 0) return [];
    const wasm = this.wasm;
    // ml-xgboost asks for the output size first (one value for regression).
    const pr = wasm._malloc(m.cols * 4);
    let size = 1, pout = 0;
    try {
      wasm.HEAPF32.set(m.data.subarray(0, m.cols), pr >> 2);
      size = wasm._prediction_size(handle, pr, m.cols, 0);
      if (size !== 1) throw new RangeError(`XGBoost predicts ${size} values per row; expected 1`);
      pout = wasm._malloc(4);
      const out = new Array<number>(m.rows);
      for (let i = 0; i < m.rows; i++) {
        const f32 = wasm.HEAPF32; // re-read: prediction may grow the heap
        f32.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), pr >> 2);
        f32[pout >> 2] = 0;
        wasm._predict_one(handle, pr, m.cols, pout);
        out[i] = wasm.HEAPF32[pout >> 2];
      }
      return out;
    } finally {
      wasm._free(pr);
      if (pout) wasm._free(pout);
    }
  }

  /** The booster in XGBoost's binary model format. */
  save(): Uint8Array {
    const handle = this.#handle();
    const wasm = this.wasm;
    const size = wasm._save_model(handle);
    if (size < 0) throw new Error("XGBoost could not save this model");
    const p = wasm._malloc(size);
    try {
      wasm.HEAPU8.fill(0, p, p + size);
      wasm._get_file_content(p, size);
      return wasm.HEAPU8.slice(p, p + size);
    } finally {
      wasm._free(p);
    }
  }

  /** Frees the WASM memory; the booster cannot be used afterwards. */
  free(): void {
    if (this.handle) this.wasm._free_memory_model(this.handle);
    this.handle = 0;
  }

  #handle(): number {
    if (!this.handle) throw new Error("This XGBoost booster was freed");
    return this.handle;
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
