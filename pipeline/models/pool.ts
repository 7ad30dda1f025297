/**
 * A small pool of workers that train XGBoost boosters in parallel (one per
 * core by default). Training is the slow part of a run; everything that
 * touches DuckDB or files stays on the main thread.
 *
 * @module
 */
import type { XgbParams } from "./xgboost.ts";

/** One training job: fit on (x, y), then predict each matrix in `predict`. */
export interface FitJob {
  id: number;
  x: number[][];
  y: number[];
  params: XgbParams;
  predict: number[][][];
  save: boolean;
}

/** A job's answer. */
export interface FitResult {
  id: number;
  preds: number[][];
  bytes?: Uint8Array;
}

/**
 * Runs fit jobs on `size` workers.
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
        w.postMessage({ ...job, id });
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
