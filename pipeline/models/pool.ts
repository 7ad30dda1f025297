/**
 * A small pool of workers that train XGBoost boosters in parallel (one per
 * core by default). Training is the slow part of a run; everything that
 * touches DuckDB or files stays on the main thread.
 *
 * @module
 */
import { type Matrix, type Rows, toMatrix, type XgbParams } from "./booster.ts";

/** One training job: fit on (x, y), then predict each matrix in `predict`. */
export interface FitJob {
  id: number;
  x: Rows;
  y: ArrayLike<number>;
  params: XgbParams;
  predict: Rows[];
  save: boolean;
}

/** A job as posted to a worker: float32 matrices, whose buffers are transferred. */
export interface PackedFitJob extends Omit<FitJob, "x" | "y" | "predict"> {
  x: Matrix;
  y: Float32Array;
  predict: Matrix[];
}

/** A job's answer. */
export interface FitResult {
  id: number;
  preds: number[][];
  bytes?: Uint8Array;
}

/**
 * Runs fit jobs on `size` workers. Rows are packed into float32 matrices
 * (what XGBoost trains on anyway) and transferred, not structured-cloned:
 * cloning a job of 20,000 rows × 21 features as arrays costs about 35 ms
 * (serialised here, deserialised in the worker), packing it about 4 ms.
 *
 * @example
 * ```ts
 * const pool = new XgbPool(2);
 * const { preds } = await pool.fit({ x, y, params, predict: [xTest], save: false });
 * pool.close();
 * ```
 */
export class XgbPool {
  #workers: Worker[] = [];
  #idle: Worker[] = [];
  #queue: Array<() => void> = [];
  #next = 0;

  constructor(readonly size = Math.max(1, Math.min(navigator.hardwareConcurrency ?? 2, 4))) {}

  /** Trains and predicts in a worker; resolves with the predictions. */
  async fit(job: Omit<FitJob, "id">): Promise<FitResult> {
    const w = await this.#acquire();
    const id = this.#next++;
    try {
      return await new Promise<FitResult>((resolve, reject) => {
        w.onmessage = (e: MessageEvent<FitResult | { id: number; error: string }>) => {
          const m = e.data;
          if ("error" in m) reject(new Error(`XGBoost training failed: ${m.error}`));
          else resolve(m);
        };
        w.onerror = (e) => {
          e.preventDefault();
          reject(new Error(`XGBoost worker crashed: ${e.message}`));
        };
        const { message, transfer } = pack({ ...job, id });
        w.postMessage(message, transfer);
      });
    } finally {
      this.#release(w);
    }
  }

  /** Stops every worker. */
  close(): void {
    for (const w of this.#workers) w.terminate();
    this.#workers = [];
    this.#idle = [];
  }

  #acquire(): Promise<Worker> {
    const w = this.#idle.pop();
    if (w) return Promise.resolve(w);
    if (this.#workers.length < this.size) {
      const nw = new Worker(new URL("./xgb_worker.ts", import.meta.url), { type: "module" });
      this.#workers.push(nw);
      return Promise.resolve(nw);
    }
    return new Promise((resolve) => this.#queue.push(() => resolve(this.#idle.pop()!)));
  }

  #release(w: Worker): void {
    this.#idle.push(w);
    this.#queue.shift()?.();
  }
}

/** Packs a job's rows as float32; transfers only the buffers made here, never the caller's. */
function pack(job: FitJob): { message: PackedFitJob; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const packed = (x: Rows): Matrix => {
    if (!Array.isArray(x)) return x;
    const m = toMatrix(x);
    transfer.push(m.data.buffer as ArrayBuffer);
    return m;
  };
  const y = Float32Array.from(job.y);
  transfer.push(y.buffer);
  const message = { ...job, x: packed(job.x), y, predict: job.predict.map(packed) };
  return { message, transfer };
}
