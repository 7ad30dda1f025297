/**
 * Prints a load's reject reasons, for `ingest --file` and `signals`.
 *
 * @module
 */
import type { RunReport } from "../jobs/mod.ts";

/** The most frequent reject reasons of a run, and how to see every rejected row. */
export function printRejects(
  report: RunReport<{ run_id: string; rows_rejected: number }>,
): void {
  if (report.result.rows_rejected === 0) return;
  for (const x of report.rejects) console.log(`  rejected ${x.n}× ${x.reason}`);
  console.log(
    `  every rejected row: deno task sql "SELECT * FROM rejects WHERE run_id = '${report.result.run_id}'"`,
  );
}
