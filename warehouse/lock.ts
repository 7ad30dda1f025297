/**
 * A cross-process lock: a file created exclusively, holding the holder's PID.
 * A lock whose holder is dead (Linux `/proc`) or that is older than its
 * staleness limit is broken, so a crashed run never blocks the next one.
 *
 * @example
 * ```ts
 * const unlock = await acquireLock("data/.update.lock", { what: "update" });
 * try { … } finally { await unlock(); }
 * ```
 *
 * @module
 */

/** Thrown when another live process holds the lock past the wait. */
export class LockedError extends Error {
  constructor(readonly path: string, readonly holder: number | undefined, what: string) {
    super(
      `Another ${what} is running${holder ? ` (pid ${holder})` : ""}: it holds ${path}. ` +
        `Wait for it, or remove the file if no such process runs.`,
    );
  }
}

/** Options for {@link acquireLock}. */
export interface LockOptions {
  /** What the lock protects, for messages (e.g. "update"). */
  what: string;
  /** How long to wait for a live holder (0: fail at once). */
  waitMs?: number;
  /** A lock older than this is considered abandoned. */
  staleMs?: number;
}

/** Takes the lock at `path`, waiting up to `waitMs`; resolves to its release. */
export async function acquireLock(
  path: string,
  options: LockOptions,
): Promise<() => Promise<void>> {
  const deadline = Date.now() + (options.waitMs ?? 0);
  const staleMs = options.staleMs ?? 6 * 3600_000;
  while (true) {
    try {
      const f = await Deno.open(path, { createNew: true, write: true });
      await f.write(new TextEncoder().encode(`${Deno.pid}\n`));
      f.close();
      return () => Deno.remove(path).catch(() => {});
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
      const age = Date.now() - ((await Deno.stat(path).catch(() => null))?.mtime?.getTime() ?? 0);
      const holder = Number((await Deno.readTextFile(path).catch(() => "")).trim()) || undefined;
      if (age > staleMs || (holder !== undefined && !processAlive(holder))) {
        await Deno.remove(path).catch(() => {});
        continue;
      }
      if (Date.now() >= deadline) throw new LockedError(path, holder, options.what);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** False when `pid` is known not to run (Linux /proc); true when unknown. */
export function processAlive(pid: number): boolean {
  try {
    Deno.statSync("/proc/self");
  } catch {
    return true; // no /proc here: rely on the lock's age
  }
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}
