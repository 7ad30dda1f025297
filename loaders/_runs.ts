/**
 * An ingest run is visible from its start: a `running` row in `ingest_runs`,
 * committed on its own, that the run replaces with its accounting when it
 * ends (`ok` or `failed`). A process killed mid-run leaves that row behind;
 * the next run in another process marks it `interrupted`. Running and
 * interrupted rows count no rows (0 = 0 + 0 + 0), and the run's candles are
 * only ever written in the same transaction as its final row, so a killed
 * run loaded nothing.
 *
 * @module
 */
import type { Warehouse } from "../warehouse/db.ts";

/** Runs started by this process and not ended yet: never marked interrupted. */
const live = new Set<string>();

/**
 * Marks `running` rows of runs that no longer run (not of this process: the
 * warehouse admits one writing process) as `interrupted`, then records
 * `run_id` as `running`. Call {@link endRun} when the run has recorded its end.
 *
 * @example
 * ```ts
 * await beginRun(wh, { run_id, source: "file", started, exchange: "binance", params: {} });
 * ```
 */
export async function beginRun(
  wh: Warehouse,
  run: { run_id: string; source: string; started: string; exchange: string; params: unknown },
): Promise<void> {
  const mine = [...live];
  await wh.run(
    `UPDATE ingest_runs SET status = 'interrupted', finished_at = now()::TIMESTAMP,
       message = 'interrupted: the process stopped before the run finished (noticed by run ' ||
                 $by || '); nothing was loaded'
     WHERE status = 'running' AND NOT list_contains($mine::VARCHAR[], run_id)`,
    { by: run.run_id, mine: `[${mine.map((id) => JSON.stringify(id)).join(",")}]` },
  );
  await wh.run(
    `INSERT INTO ingest_runs (run_id, source, started_at, status, message, exchange, params)
     VALUES (?, ?, ?::TIMESTAMP, 'running', 'running', ?, ?::JSON)`,
    [
      run.run_id,
      run.source,
      run.started.replace("Z", ""),
      run.exchange,
      JSON.stringify(run.params ?? {}),
    ],
  );
  live.add(run.run_id);
}

/** Forgets `run_id` as a run of this process (its end is recorded, or it cannot be). */
export function endRun(run_id: string): void {
  live.delete(run_id);
}
