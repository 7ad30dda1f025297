/**
 * `sql`: read-only SQL over the warehouse, as a table or (`--json`) one JSON array.
 *
 * ```sh
 * deno task sql [--json] "SELECT * FROM markets"
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
    options: { json: { type: "boolean" } },
    allowPositionals: true,
  });
  const query = positionals.join(" ").trim();
  if (!query) throw new UsageError('sql needs a query: deno task sql "SELECT * FROM markets"');
  const rows = await queryWarehouse(cfg, query);
  if (values.json) console.log(JSON.stringify(rows));
  else if (rows.length === 0) console.log("(no rows)");
  else console.table(rows);
  return 0;
}
