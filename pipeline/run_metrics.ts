/**
 * Writes a run's metric rows into `run_metrics` (one appender, no SQL per row).
 *
 * @module
 */
import type { Warehouse } from "../warehouse/db.ts";
import type { MetricRow } from "./evaluation/score.ts";

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
  const m = await wh.conn.createAppender("run_metrics");
  for (const r of rows) {
    m.appendVarchar(runId);
    if (r.fold === null) m.appendNull();
    else m.appendInteger(r.fold);
    if (r.horizon === null) m.appendNull();
    else m.appendInteger(r.horizon);
    m.appendVarchar(r.metric);
    if (Number.isFinite(r.value)) m.appendDouble(r.value);
    else m.appendNull();
    m.endRow();
  }
  m.closeSync();
}
