/**
 * Serves a built site for browser tests on 127.0.0.1 with the same handler
 * the API uses for `dist/` (clean URLs, no escaping the root).
 *
 * @module
 */
import { siteHandler } from "../../api/site.ts";

/**
 * Serves `dir` on 127.0.0.1 at a random free port until `shutdown()`.
 *
 * @example
 * ```ts
 * const server = serveStatic("dist");
 * console.log(server.url); // http://127.0.0.1:40123/
 * await server.shutdown();
 * ```
 */
export function serveStatic(dir: string): { url: string; shutdown: () => Promise<void> } {
  const site = siteHandler(dir);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) =>
      (await site(new URL(req.url).pathname)) ?? new Response("Not found", { status: 404 }),
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    shutdown: () => server.shutdown(),
  };
}
