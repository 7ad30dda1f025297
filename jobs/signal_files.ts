/**
 * Signal files as a job: every file of a pattern read as signals (Fear &
 * Greed and Token Metrics exports, long `ts,symbol,name,value` tables) and
 * stored as one run under a source name of the user's.
 *
 * @module
 */
import type { Config } from "../core/config.ts";
import type { Warehouse } from "../warehouse/db.ts";
import { publish } from "../warehouse/publish.ts";
import { expandPaths, MissingOptionError } from "../loaders/files/mod.ts";
import {
  checkSourceName,
  ingestSignals,
  readSignalFile,
  type SignalIngestResult,
  type SignalRow,
} from "../loaders/signals/mod.ts";
import type { Rejected } from "../loaders/validate.ts";
import { UsageError } from "./errors.ts";
import { consoleLog, type Log } from "./log.ts";
import { type RunReport, runReport } from "./rejects.ts";
import { withWriter } from "./writer.ts";

/**
 * A file source's name as stored; a {@link UsageError} when it cannot be one.
 *
 * @example
 * ```ts
 * fileSourceName("my-index");
 * ```
 */
export function fileSourceName(name: string): string {
  try {
    return checkSourceName(name);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * The `signals --file` task: the files of `pattern` as one run, then publishing.
 *
 * @example
 * ```ts
 * const r = await importSignalsJob(cfg, { pattern: "fng.csv", source: "fng-file" });
 * ```
 */
export async function importSignalsJob(
  cfg: Config,
  options: { pattern: string; source: string; symbol?: string; log?: Log },
): Promise<RunReport<SignalIngestResult>> {
  const { pattern, log = consoleLog, ...rest } = options;
  return await withWriter(cfg.db, async (wh) => {
    const report = await runReport(wh, await importSignalFiles(wh, pattern, { ...rest, log }));
    await publish(wh, { warn: log.err });
    return report;
  }, { log });
}

/**
 * Reads every file of `pattern` (a file, folder or glob) as signals and
 * stores them as one run, logging what each file held.
 *
 * @example
 * ```ts
 * await importSignalFiles(wh, "exports/*.csv", { source: "my-index" });
 * ```
 */
export async function importSignalFiles(
  wh: Warehouse,
  pattern: string,
  options: { source: string; symbol?: string; now?: number; log?: Log },
): Promise<SignalIngestResult> {
  const log = options.log ?? consoleLog;
  let paths: string[];
  try {
    paths = await expandPaths(pattern);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const rows: SignalRow[] = [];
  const rejects: Rejected[] = [];
  for (const path of paths) {
    let f;
    try {
      f = await readSignalFile(path, options);
    } catch (err) {
      if (err instanceof MissingOptionError) throw new UsageError(err.message);
      throw err;
    }
    rows.push(...f.rows);
    rejects.push(...f.rejects);
    log.out(
      `  ${path}: ${f.kind}, ${f.rows.length} values` +
        (f.skipped ? `, ${f.skipped} lines before the header skipped` : "") +
        (f.ignored.length ? `, columns left out: ${f.ignored.join(", ")}` : ""),
    );
  }
  return await ingestSignals(wh, options.source, rows, {
    now: options.now ?? Date.now(),
    rejects,
    params: { files: paths, symbol: options.symbol ?? null },
  });
}
