/**
 * `sql`: read-only SQL, as a table or (`--json`) one JSON array, over the
 * current snapshot (what the API and the site serve), or with `--live` over
 * the warehouse itself (waiting, with a message, while a writer runs).
 *
 * ```sh
 * deno task sql [--json] [--live] "SELECT * FROM markets"
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Config } from "../core/config.ts";
import { queryWarehouse, UsageError } from "../jobs/mod.ts";

/** Runs `sql` with its arguments; returns the exit code. */
export async function sql(cfg: Config, rest: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: rest,
    options: { json: { type: "boolean" }, live: { type: "boolean" } },
    allowPositionals: true,
  });
  const query = positionals.join(" ").trim();
  if (!query) throw new UsageError('sql needs a query: deno task sql "SELECT * FROM markets"');
  const rows = await queryWarehouse(cfg, query, { live: values.live });
  if (values.json) console.log(JSON.stringify(rows));
  else if (rows.length === 0) console.log("(no rows)");
  else console.table(rows);
  return 0;
}
