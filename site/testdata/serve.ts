/**
 * A tiny static file server for a built site, for browser tests: clean URLs
 * (`/pages/asset` → `pages/asset.html`), no directory listing, no escaping
 * the root.
 *
 * @module
 */
import { extname, join, normalize } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".parquet": "application/octet-stream",
};

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
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const path = decodeURIComponent(new URL(req.url).pathname);
      const rel = normalize(path).replace(/^(\.\.(\/|\\|$))+/, "");
      const candidates = rel.endsWith("/")
        ? [join(rel, "index.html")]
        : extname(rel)
        ? [rel]
        : [`${rel}.html`, join(rel, "index.html")];
      for (const c of candidates) {
        try {
          const body = await Deno.readFile(join(dir, c));
          const type = TYPES[extname(c)] ?? "application/octet-stream";
          return new Response(body, { headers: { "content-type": type } });
        } catch {
          // try the next candidate
        }
      }
      return new Response("Not found", { status: 404 });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    shutdown: () => server.shutdown(),
  };
}
