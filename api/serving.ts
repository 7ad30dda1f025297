/**
 * The view being served, kept current: the API answers from memory, the
 * view is swapped whole when a new snapshot is published, and a snapshot
 * that fails its checks or fails to load is not served — the newest valid
 * older one is, and health says so.
 *
 * @module
 */
import { currentSnapshotId, listSnapshots, SnapshotInvalid } from "../warehouse/snapshot.ts";
import { loadView, type ServingView } from "./view.ts";

export {
  type ForecastRow,
  loadView,
  type MarketRow,
  type SeriesData,
  type ServingView,
  type SignalRows,
} from "./view.ts";

/**
 * Holds the current view and swaps in a new one when the snapshot pointer
 * changes (checked every `intervalMs`). One load at a time: ticks and calls
 * during a load join it instead of queuing more, and {@link LiveView.stop}
 * waits for it, so no load is left running in the DuckDB addon when the
 * process (or a test) ends.
 *
 * @example
 * ```ts
 * const live = await LiveView.start(root);
 * live.view; // always a complete snapshot
 * await live.stop();
 * ```
 */
export class LiveView {
  #view: ServingView | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #refreshing: Promise<void> | undefined;
  #stopped = false;
  /** Why the last load failed, as health may say it (nothing about the server). */
  #reason: string | undefined;
  lastError: string | undefined;
  /**
   * Set while the current snapshot (`from`) is not being served because it
   * failed its checks or failed to load (`reason`); the view is then the
   * newest valid older snapshot, if any.
   */
  fallback: { from: string; reason: string } | undefined;
  /** How many snapshot loads were started (each reload of a new snapshot is one). */
  loadsStarted = 0;

  private constructor(readonly root: string) {}

  /** Loads the current snapshot (if any) and starts watching for new ones. */
  static async start(root: string, options: { intervalMs?: number } = {}): Promise<LiveView> {
    const live = new LiveView(root);
    await live.refresh();
    const ms = options.intervalMs ?? 2000;
    if (ms > 0 && !live.#stopped) {
      // A tick while a load runs is dropped, not queued: the next tick looks again.
      const timer = setInterval(() => {
        if (live.#refreshing === undefined) live.refresh();
      }, ms);
      Deno.unrefTimer(timer);
      live.#timer = timer;
    }
    return live;
  }

  /** A fixed view (tests). */
  static of(view: ServingView): LiveView {
    const live = new LiveView("");
    live.#view = view;
    return live;
  }

  /** The current view, or undefined before the first snapshot. */
  get view(): ServingView | undefined {
    return this.#view;
  }

  /**
   * Loads the newest snapshot when it changed; when it cannot be served,
   * serves the newest valid older one (see {@link LiveView.fallback}). One
   * load at a time: a call while one runs waits for that one (a load slower
   * than the interval must not start another beside it). Does nothing once
   * stopped.
   */
  refresh(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return this.#refreshing ??= this.#refresh().finally(() => this.#refreshing = undefined);
  }

  async #refresh(): Promise<void> {
    const id = await currentSnapshotId(this.root);
    if (!id || id === this.#view?.snapshotId) {
      // Pointed back at the view being served: nothing is failing any more.
      if (id) this.lastError = this.fallback = undefined;
      return;
    }
    // A snapshot folder never changes: one that failed is not tried again on every tick.
    if (id === this.fallback?.from) return;
    const view = await this.#load(id);
    if (view) {
      this.#view = view;
      this.lastError = this.fallback = undefined;
      return;
    }
    // The current snapshot is not servable: the newest valid older one is.
    this.fallback = { from: id, reason: this.#reason! };
    for (const older of await listSnapshots(this.root).catch(() => [] as string[])) {
      // Ids sort by creation time; a pointer that is no id at all has every folder "older".
      if (older === id || (/^\d/.test(id) && older > id)) continue;
      if (older === this.#view?.snapshotId) return; // already serving it
      const v = await this.#load(older);
      if (v) {
        this.#view = v;
        return;
      }
    }
  }

  /** Loads snapshot `id`, or logs why it cannot be served and returns undefined. */
  async #load(id: string): Promise<ServingView | undefined> {
    try {
      this.loadsStarted++;
      return await loadView(this.root, id);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Public: what is wrong inside the snapshot, never a server path or SQL.
      this.#reason = err instanceof SnapshotInvalid
        ? err.reason
        : "failed to open (details in the API's log)";
      if (message !== this.lastError) {
        this.lastError = message;
        console.error(
          JSON.stringify({
            level: "error",
            msg: "snapshot load failed",
            snapshot: id,
            error: message,
          }),
        );
      }
      return undefined;
    }
  }

  /** Stops watching, and resolves once the load in flight (if any) has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#refreshing;
  }
}
