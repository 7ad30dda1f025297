/**
 * Where a job's lines go while it runs: progress to `out`, warnings and
 * failures to `err`. The CLI passes the console; tests pass a collector.
 *
 * @module
 */

/** A sink for a job's progress lines. */
export interface Log {
  /** A progress or result line (the CLI's stdout). */
  out: (line: string) => void;
  /** A warning or a failure (the CLI's stderr). */
  err: (line: string) => void;
}

/**
 * The console: `out` to stdout, `err` to stderr.
 *
 * @example
 * ```ts
 * await forecastJob(cfg, { log: consoleLog });
 * ```
 */
export const consoleLog: Log = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};
