/**
 * Writes a run's metric rows into `run_metrics` (one appender, no SQL per row).
 *
 * @module
 */
import type { Warehouse } from "../../warehouse/db.ts";
import type { MetricRow } from "../evaluation/score.ts";

/**
 * Appends `rows` for `runId`; a null fold or horizon means "over all", and a
 * non-finite value is stored as NULL.
 *
 * @example
 * ```ts
 * await writeRunMetrics(wh, "run-1", [{ fold: null, horizon: 1, metric: "mase", value: 1.01 }]);
 * ```
 */
export async function writeRunMetrics(
  wh: Warehouse,
  runId: string,
  rows: readonly MetricRow[],
): Promise<void> {
  await wh.append(
    "run_metrics",
    ["varchar", "integer", "integer", "varchar", "double"],
    rows.map((
      r,
    ) => [runId, r.fold, r.horizon, r.metric, Number.isFinite(r.value) ? r.value : null]),
  );
}
