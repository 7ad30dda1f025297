/**
 * The request logs the API writes (JSON Lines files under
 * `<dir of the warehouse>/api-requests`, see `api/request_log.ts`), moved
 * into `api_requests` by writers: this module owns that table.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { literalPath, type Warehouse } from "./db.ts";

/** Moves flushed request logs into `api_requests`, then removes the files. */
export async function importRequestLogs(wh: Warehouse, dir: string): Promise<number> {
  const files: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile || !e.name.endsWith(".jsonl")) continue;
      if (!e.name.startsWith(".")) {
        files.push(join(dir, e.name));
        continue;
      }
      // A file still being appended to is left alone, unless its writer is long gone
      // (untouched for 5 minutes: a server that stopped without sealing it).
      const path = join(dir, e.name);
      const mtime = (await Deno.stat(path)).mtime?.getTime() ?? Date.now();
      if (Date.now() - mtime > 5 * 60_000) {
        // A writer killed mid-append leaves a partial last line: keep the whole lines.
        const text = await Deno.readTextFile(path);
        const whole = text.slice(0, text.lastIndexOf("\n") + 1);
        if (whole.length !== text.length) await Deno.writeTextFile(path, whole);
        const sealed = join(dir, e.name.slice(1));
        await Deno.rename(path, sealed);
        files.push(sealed);
      }
    }
  } catch {
    return 0;
  }
  if (files.length === 0) return 0;
  // Exact paths: a data folder named with `[`, `*` or `?` must not turn a log file into a pattern.
  const q = (p: string) => `'${literalPath(p).replaceAll("'", "''")}'`;
  const n = await wh.transaction(async () => {
    const before = (await wh.one<{ n: number }>("SELECT count(*) AS n FROM api_requests"))!.n;
    await wh.run(
      `INSERT INTO api_requests (ts, method, path, status, ms, key_id)
       SELECT CASE WHEN regexp_full_match(ts, '[0-9]+') THEN epoch_ms(ts::BIGINT)
                   ELSE ts::TIMESTAMPTZ::TIMESTAMP END,
              method, path, status, ms, key_id
       FROM read_json([${files.map(q).join(", ")}], format = 'newline_delimited',
         columns = {ts: 'VARCHAR', method: 'VARCHAR', path: 'VARCHAR', status: 'INTEGER', ms: 'DOUBLE', key_id: 'VARCHAR'})`,
    );
    return (await wh.one<{ n: number }>("SELECT count(*) AS n FROM api_requests"))!.n - before;
  });
  for (const f of files) await Deno.remove(f).catch(() => {});
  return n;
}

/** Where the API flushes request logs: `<dir of the warehouse>/api-requests`. */
export function requestLogDir(dbPath: string): string {
  return join(dirname(dbPath), "api-requests");
}
