import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse } from "./db.ts";
import { importRequestLogs } from "./request_logs.ts";

Deno.test("importRequestLogs() reads each log file by its exact path, glob characters and all", async () => {
  const dir = await Deno.makeTempDir();
  const line = (path: string) =>
    JSON.stringify({ ts: 1767225600000, method: "GET", path, status: 200, ms: 1, key_id: null }) +
    "\n";
  // A data folder whose name DuckDB would read as a pattern, beside the folder that pattern matches.
  const logDir = join(dir, "api-[x]");
  await Deno.mkdir(logDir);
  await Deno.mkdir(join(dir, "api-x"));
  await Deno.writeTextFile(join(logDir, "1767225600000-a.jsonl"), line("/named"));
  await Deno.writeTextFile(join(dir, "api-x", "1767225600000-a.jsonl"), line("/neighbour"));
  const wh = await openWarehouse(join(dir, "w.duckdb"));
  try {
    assert.equal(await importRequestLogs(wh, logDir), 1);
    assert.deepEqual(await wh.rows("SELECT path FROM api_requests"), [{ path: "/named" }]);
  } finally {
    wh.close();
  }
});
