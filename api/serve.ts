/**
 * The one entry point that serves the API (and the built site) over HTTP.
 *
 * @module
 */
import type { Config } from "../core/config.ts";
import { snapshotRoot } from "../warehouse/snapshot.ts";
import { createApp } from "./app.ts";
import { envStoredKey, keysFile } from "../warehouse/keys.ts";
import { KeyRing } from "./keys.ts";
import { requestLogDir } from "../warehouse/request_logs.ts";
import { RequestLog } from "./request_log.ts";
import { LiveView } from "./serving.ts";
import { siteHandler } from "./site.ts";
import { RateLimiter } from "./rate_limit.ts";

/** A running server. */
export interface RunningApi {
  port: number;
  finished: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Serves on 127.0.0.1:`cfg.port` until shut down (or Ctrl-C).
 *
 * @example
 * ```ts
 * const s = await serveApi({ ...loadConfig(), port: 0 });
 * await s.shutdown();
 * ```
 */
export async function serveApi(
  cfg: Config,
  options: { quiet?: boolean; hostname?: string } = {},
): Promise<RunningApi> {
  const live = await LiveView.start(snapshotRoot(cfg.db));
  // The key in PREVISION_API_KEY works at once, before a writer has registered it.
  const keys = await KeyRing.fromFile(keysFile(cfg.db), {
    extra: cfg.apiKey ? [await envStoredKey(cfg.apiKey)] : [],
  });
  const log = new RequestLog(requestLogDir(cfg.db), {
    json: !options.quiet && Deno.env.get("PREVISION_LOG_REQUESTS") === "1",
  });
  const app = createApp({
    live,
    keys,
    site: siteHandler(cfg.dist),
    rateLimit: cfg.rateLimit > 0 ? new RateLimiter(cfg.rateLimit) : undefined,
    corsOrigins: cfg.corsOrigins,
    staleAfterSeconds: cfg.staleAfterHours * 3600,
    onRequest: (r) => log.add(r),
  });
  const ac = new AbortController();
  const server = Deno.serve({
    hostname: options.hostname ?? "127.0.0.1",
    port: cfg.port,
    signal: ac.signal,
    onListen: () => {},
  }, app.fetch);
  // Idle keep-alive connections can hold a graceful shutdown open: give
  // in-flight requests two seconds, then stop regardless.
  let stopped: () => void;
  const stopSignal = new Promise<void>((resolve) => (stopped = resolve));
  const stop = async () => {
    ac.abort();
    await Promise.race([server.finished, new Promise((r) => setTimeout(r, 2000))]);
    stopped();
  };
  const onSignal = () => {
    stop();
  };
  try {
    Deno.addSignalListener("SIGINT", onSignal);
    Deno.addSignalListener("SIGTERM", onSignal);
  } catch {
    // signals are not available everywhere (Windows, some workers)
  }
  const finished = Promise.race([server.finished, stopSignal]).then(async () => {
    await live.stop();
    await log.close();
    try {
      Deno.removeSignalListener("SIGINT", onSignal);
      Deno.removeSignalListener("SIGTERM", onSignal);
    } catch {
      // see above
    }
  });
  return {
    port: server.addr.port,
    finished,
    shutdown: async () => {
      await stop();
      await finished;
    },
  };
}
