/**
 * A worker that trains one XGBoost booster per message and returns its
 * predictions (and its bytes when asked). Pure compute: no IO.
 *
 * @module
 */
import { Booster } from "./booster.ts";
import type { FitResult, PackedFitJob } from "./pool.ts";

type WorkerScope = {
  onmessage: ((e: MessageEvent<PackedFitJob>) => void) | null;
  postMessage(m: FitResult | { id: number; error: string }): void;
};
const scope = globalThis as unknown as WorkerScope;

scope.onmessage = async (e: MessageEvent<PackedFitJob>) => {
  const job = e.data;
  try {
    const b = await Booster.train(job.x, job.y, job.params);
    try {
      const preds = job.predict.map((x) => b.predict(x));
      scope.postMessage({ id: job.id, preds, bytes: job.save ? b.save() : undefined });
    } finally {
      b.free();
    }
  } catch (err) {
    scope.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) });
  }
};
