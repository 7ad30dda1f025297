/**
 * Request logging off the hot path: requests are buffered in memory and
 * appended every 250 ms to a JSON Lines file under `<dir>/`, one file a
 * minute (a dot file until its minute has passed). Writers import them into
 * the warehouse's `api_requests` (`warehouse/request_logs.ts`), so the API
 * never waits on the writer.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";

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
