/**
 * Serves the built site (`dist/`) with clean URLs: `/pages/asset` finds
 * `pages/asset.html`, `/` finds `index.html`. Paths cannot leave the folder.
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
  ".parquet": "application/vnd.apache.parquet",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * A handler for the files under `root`; undefined when there is no such file.
 *
 * @example
 * ```ts
 * const site = siteHandler("dist");
 * const res = await site("/pages/asset");
 * ```
 */
export function siteHandler(root: string): (path: string) => Promise<Response | undefined> {
  return async (path: string) => {
    let p: string;
    try {
      p = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    if (p.includes("\0")) return undefined;
    const rel = normalize("/" + p).replace(/^\/+/, "");
    if (rel.startsWith("..")) return undefined;
    const candidates = rel === "" || rel.endsWith("/")
      ? [join(rel, "index.html")]
      : [rel, rel + ".html", join(rel, "index.html")];
    for (const c of candidates) {
      const file = join(root, c);
      try {
        const st = await Deno.stat(file);
        if (!st.isFile) continue;
        const body = await Deno.readFile(file);
        const type = TYPES[extname(file)] ?? "application/octet-stream";
        const immutable = c.startsWith("_") && !c.endsWith(".html");
        return new Response(body, {
          headers: {
            "Content-Type": type,
            "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
          },
        });
      } catch {
        // try the next candidate
      }
    }
    return undefined;
  };
}
