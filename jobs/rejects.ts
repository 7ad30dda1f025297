/**
 * What a load rejected, by reason: the summary an ingest or signal job
 * reports beside its counts.
 *
 * @module
 */
import type { Warehouse } from "../warehouse/db.ts";
import { REJECT_KIND_SQL } from "../warehouse/views.ts";

/** One reason rows were rejected, and how many. */
export interface RejectReason {
  reason: string;
  n: number;
}

/**
 * The five most frequent reject reasons of run `runId`, most frequent first.
 *
 * @example
 * ```ts
 * for (const x of await rejectReasons(wh, r.run_id)) console.log(`${x.n}× ${x.reason}`);
 * ```
 */
export async function rejectReasons(wh: Warehouse, runId: string): Promise<RejectReason[]> {
  return await wh.rows<RejectReason>(
    `SELECT ${REJECT_KIND_SQL} AS reason, count(*) AS n
     FROM rejects WHERE run_id = ? GROUP BY 1 ORDER BY n DESC LIMIT 5`,
    [runId],
  );
}

/** What a load stored, and why rows were rejected. */
export interface RunReport<R> {
  result: R;
  /** The most frequent reject reasons, when rows were rejected. */
  rejects: RejectReason[];
}

/**
 * A load's result with its reject reasons (none looked up when none was rejected).
 *
 * @example
 * ```ts
 * const report = await runReport(wh, await ingestFiles(wh, "data/x.csv"));
 * ```
 */
export async function runReport<R extends { run_id: string; rows_rejected: number }>(
  wh: Warehouse,
  result: R,
): Promise<RunReport<R>> {
  return {
    result,
    rejects: result.rows_rejected > 0 ? await rejectReasons(wh, result.run_id) : [],
  };
}
