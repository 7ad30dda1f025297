/**
 * Request logging off the hot path: requests are buffered in memory and
 * appended every 250 ms to a JSON Lines file under `<dir>/`, one file a
 * minute (a dot file until its minute has passed). The pipeline imports them into the warehouse's `api_requests`
 * ({@link importRequestLogs}) so the API never waits on the writer.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import type { Warehouse } from "../warehouse/db.ts";

/** One logged request. */
export interface RequestRecord {
  /** ISO-8601 time, or milliseconds since the epoch (UTC). */
  ts: string | number;
  method: string;
  path: string;
  status: number;
  ms: number;
  key_id?: string;
}

/**
 * A buffered writer of request logs.
 *
 * @example
 * ```ts
 * const log = new RequestLog("data/api-requests");
 * log.add({ ts: new Date().toISOString(), method: "GET", path: "/api/health", status: 200, ms: 0.4 });
 * await log.flush();
 * ```
 */
export class RequestLog {
  #buffer: RequestRecord[] = [];
  #timer: ReturnType<typeof setInterval>;

  constructor(readonly dir: string, options: { intervalMs?: number; json?: boolean } = {}) {
    // Frequent small flushes: a big one would stall a busy server for its duration.
    this.#timer = setInterval(() => this.flush(), options.intervalMs ?? 250);
    Deno.unrefTimer(this.#timer);
    this.json = options.json ?? false;
  }

  /** Also print each request as a structured JSON line on stdout. */
  readonly json: boolean;

  /** Buffers a record (and prints it when asked). */
  add(r: RequestRecord): void {
    this.#buffer.push(r);
    if (this.json) console.log(JSON.stringify({ level: "info", msg: "request", ...r }));
  }

  /** The file being appended to this minute (a dot file until sealed), and its minute. */
  #part: string | undefined;
  #minute = -1;
  /** Flushes run one after another. */
  #chain: Promise<void> = Promise.resolve();

  /**
   * Appends buffered records to this minute's file; a file is sealed (renamed to
   * `<ms>-<id>.jsonl`, importable) once its minute has passed, so a busy server
   * leaves one file a minute, not one a flush. Lines are built in slices that
   * yield to the event loop, so requests never wait on a long flush.
   */
  flush(): Promise<void> {
    this.#chain = this.#chain.then(() => this.#flush(false));
    return this.#chain;
  }

  async #flush(seal: boolean): Promise<void> {
    const rows = this.#buffer;
    this.#buffer = [];
    try {
      const minute = Math.floor(Date.now() / 60_000);
      if (this.#part && (seal || minute !== this.#minute) && rows.length === 0) {
        await this.#seal();
      }
      if (rows.length === 0) return;
      const parts: string[] = [];
      for (let i = 0; i < rows.length; i += 1000) {
        if (i > 0) await new Promise((r) => setTimeout(r, 0));
        let part = "";
        for (let j = i; j < Math.min(rows.length, i + 1000); j++) part += this.#line(rows[j]);
        parts.push(part);
      }
      if (this.#part && minute !== this.#minute) await this.#seal();
      if (!this.#part) {
        await Deno.mkdir(this.dir, { recursive: true });
        this.#minute = minute;
        this.#part = join(this.dir, `.${Date.now()}-${crypto.randomUUID().slice(0, 8)}.jsonl`);
      }
      await Deno.writeTextFile(this.#part, parts.join(""), { append: true });
      if (seal) await this.#seal();
    } catch (err) {
      console.error(
        JSON.stringify({ level: "error", msg: "request log flush failed", error: String(err) }),
      );
    }
  }

  async #seal(): Promise<void> {
    const part = this.#part;
    this.#part = undefined;
    if (part) await Deno.rename(part, join(dirname(part), basename(part).slice(1)));
  }

  /** Flushes and stops the timer. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#chain = this.#chain.then(() => this.#flush(true));
    await this.#chain;
  }

  /** JSON text of the method, path and key strings, which repeat from line to line. */
  #quoted = new Map<string, string>();

  #quote(s: string): string {
    let q = this.#quoted.get(s);
    if (q === undefined) {
      q = JSON.stringify(s);
      if (this.#quoted.size >= 4096) this.#quoted.clear();
      this.#quoted.set(s, q);
    }
    return q;
  }

  /** One JSON line; `ts` is written as given (ISO text, or epoch milliseconds). */
  #line(r: RequestRecord): string {
    const ts = typeof r.ts === "number" ? r.ts : JSON.stringify(r.ts);
    const key = r.key_id === undefined ? "null" : this.#quote(r.key_id);
    return '{"ts":' + ts + ',"method":' + this.#quote(r.method) + ',"path":' +
      this.#quote(r.path) + ',"status":' + r.status + ',"ms":' +
      Math.round(r.ms * 1000) / 1000 + ',"key_id":' + key + "}\n";
  }
}

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
  const q = (p: string) => `'${p.replaceAll("'", "''")}'`;
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
