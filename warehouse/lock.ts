/**
 * A cross-process lock: a file created exclusively, holding the holder's PID
 * and a token. While held, its time is refreshed every minute (a heartbeat),
 * so a long run is never taken for a dead one. A lock whose holder is dead
 * (Linux `/proc`) or whose heartbeat stopped longer ago than the staleness
 * limit is broken, so a crashed run never blocks the next one; a release
 * removes the file only if it is still the holder's own.
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
  /** A lock whose heartbeat stopped this long ago is considered abandoned (default 10 min). */
  staleMs?: number;
  /** How often the holder refreshes the lock's time (default 60 s). */
  heartbeatMs?: number;
}

/** Takes the lock at `path`, waiting up to `waitMs`; resolves to its release. */
export async function acquireLock(
  path: string,
  options: LockOptions,
): Promise<() => Promise<void>> {
  const deadline = Date.now() + (options.waitMs ?? 0);
  const staleMs = options.staleMs ?? 10 * 60_000;
  const token = crypto.randomUUID().slice(0, 8);
  const mine = `${Deno.pid} ${token}\n`;
  while (true) {
    try {
      const f = await Deno.open(path, { createNew: true, write: true });
      await f.write(new TextEncoder().encode(mine));
      f.close();
      const beat = setInterval(() => {
        const now = new Date();
        Deno.utime(path, now, now).catch(() => {});
      }, options.heartbeatMs ?? 60_000);
      Deno.unrefTimer(beat);
      return async () => {
        clearInterval(beat);
        // Only our own lock: one broken and retaken by another run stays theirs.
        if ((await Deno.readTextFile(path).catch(() => "")) === mine) {
          await Deno.remove(path).catch(() => {});
        }
      };
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
      // Content first, then its time: a lock replaced in between shows its fresh time.
      const seen = await Deno.readTextFile(path).catch(() => "");
      const st = await Deno.stat(path).catch(() => null);
      if (st === null) continue; // released meanwhile: try again
      const age = Date.now() - (st.mtime?.getTime() ?? 0);
      const holder = Number(seen.trim().split(/\s+/)[0]) || undefined;
      if (age > staleMs || (holder !== undefined && !processAlive(holder))) {
        await breakLock(path, seen);
        continue;
      }
      if (Date.now() >= deadline) throw new LockedError(path, holder, options.what);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Removes the lock judged abandoned, under a short-lived guard file so that
 * one run at a time checks and removes: a lock retaken meanwhile (other
 * content) is left alone. A guard left by a crash is cleared after 10 s.
 */
async function breakLock(path: string, seen: string): Promise<void> {
  const guard = `${path}.breaking`;
  try {
    (await Deno.open(guard, { createNew: true, write: true })).close();
  } catch (err) {
    if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
    const at = (await Deno.stat(guard).catch(() => null))?.mtime?.getTime();
    if (at !== undefined && Date.now() - at > 10_000) await Deno.remove(guard).catch(() => {});
    await new Promise((r) => setTimeout(r, 10));
    return; // another run is breaking it: look again
  }
  try {
    if ((await Deno.readTextFile(path).catch(() => "")) === seen) {
      await Deno.remove(path).catch(() => {});
    }
  } finally {
    await Deno.remove(guard).catch(() => {});
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
