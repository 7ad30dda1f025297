/**
 * Publishing for readers: what every writing task hands on when it is done.
 * The API's request logs come into `api_requests`, the keys file the API
 * reads is written, and a new snapshot (see `snapshot.ts`) is published —
 * always ({@link publish}), or only when the warehouse holds something the
 * current snapshot does not ({@link publishIfChanged}).
 *
 * @module
 */
import type { Warehouse } from "./db.ts";
import { exportKeys, keysFile } from "./keys.ts";
import { importRequestLogs, requestLogDir } from "./request_logs.ts";
import {
  contentMark,
  currentSnapshotId,
  currentSnapshotMark,
  publishSnapshot,
  type SnapshotManifest,
  snapshotRoot,
} from "./snapshot.ts";

/** Options for publishing. */
export interface PublishOptions {
  /** Told when the request logs could not be imported. Default `console.error`. */
  warn?: (line: string) => void;
}

/**
 * Carries over what a writing task hands on whether or not it publishes: the
 * API's request logs into `api_requests` (a failure only warns: traffic logs
 * never stop forecasts from reaching readers) and the keys file the API reads.
 *
 * @example
 * ```ts
 * await carryOver(wh);
 * ```
 */
export async function carryOver(wh: Warehouse, options: PublishOptions = {}): Promise<void> {
  const warn = options.warn ?? ((line: string) => console.error(line));
  try {
    await importRequestLogs(wh, requestLogDir(wh.path));
  } catch (err) {
    warn(
      `request logs not imported (kept for the next run): ${
        err instanceof Error ? err.message : String(err)
      }`,
    );
  }
  await exportKeys(wh, keysFile(wh.path));
}

/**
 * Carries logs and keys over, and publishes a new snapshot for readers.
 *
 * @example
 * ```ts
 * const m = await publish(wh);
 * ```
 */
export async function publish(
  wh: Warehouse,
  options: PublishOptions = {},
): Promise<SnapshotManifest> {
  await carryOver(wh, options);
  return await publishSnapshot(wh);
}

/** What {@link publishIfChanged} did: published a snapshot, or kept the current one. */
export type Published = { published: SnapshotManifest; kept?: undefined } | {
  published?: undefined;
  kept: string;
};

/**
 * Publishes a new snapshot when the warehouse holds something the current one
 * does not (its content mark differs: this run wrote, or an earlier run wrote
 * and failed to publish), or when none exists yet; otherwise keeps it. Request
 * logs and keys are carried over either way.
 *
 * @example
 * ```ts
 * const r = await publishIfChanged(wh);
 * if (r.kept) console.log(`nothing new: snapshot ${r.kept} kept`);
 * ```
 */
export async function publishIfChanged(
  wh: Warehouse,
  options: PublishOptions = {},
): Promise<Published> {
  const root = snapshotRoot(wh.path);
  const current = await currentSnapshotId(root);
  if (!current || (await currentSnapshotMark(root)) !== (await contentMark(wh))) {
    return { published: await publish(wh, options) };
  }
  await carryOver(wh, options);
  return { kept: current };
}
