/**
 * Data loader → `quality.json`: coverage per series (expected vs present
 * candles), the largest gaps, recent ingest runs with their accounting, and
 * rejected rows by reason.
 *
 * @module
 */
import { runLoader } from "./_snapshot.ts";
import { REJECT_KIND_SQL } from "../../warehouse/views.ts";

await runLoader("quality.json", async (db) => ({
  coverage: await db.rows(
    `SELECT exchange, symbol, timeframe, present, expected, missing, gaps, ratio, first_ts, last_ts
     FROM coverage ORDER BY exchange, symbol, timeframe`,
  ),
  gaps: await db.rows(
    `SELECT exchange, symbol, timeframe, gap_start, gap_end, missing FROM gaps
     ORDER BY missing DESC, gap_start LIMIT 20`,
  ),
  runs: await db.rows(
    `SELECT run_id, source, exchange, started_at, status, rows_read, rows_loaded, rows_rejected,
            rows_duplicate, message
     FROM ingest_runs ORDER BY started_at DESC, run_id LIMIT 20`,
  ),
  rejects: await db.rows(
    `SELECT ${REJECT_KIND_SQL} AS reason, count(*) AS n
     FROM rejects GROUP BY 1 ORDER BY n DESC, reason LIMIT 20`,
  ),
}));
