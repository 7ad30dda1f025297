/**
 * Builds the Observable Framework site (`src/`) into static files.
 *
 * Framework's CLI runs on Node (it does not support Deno); its `.ts` data
 * loaders run on Deno through the config's `interpreters`. The build is
 * offline: pages import Plot, d3 and Inputs from node_modules, and there is no
 * web font. Each build clears the data-loader cache first, so pages always
 * show the warehouse's current snapshot.
 *
 * The pages compute with the pipeline's own statistics: Framework cannot
 * import a module from outside its source root (`src/`), so each build first
 * copies `core/stats.ts` to `src/components/stats.ts` (git-ignored), which
 * pages and components import as `./stats.js`, Framework's name for a
 * TypeScript module. Under Deno (the component tests), `deno.json`'s import
 * map resolves that same specifier to `core/stats.ts`.
 *
 * @module
 */
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { acquireLock } from "../warehouse/lock.ts";
import { swapIn } from "./_swap.ts";

/** Options for {@link buildSite}. */
export interface BuildOptions {
  /** The project root: where `observablehq.config.ts`, `src/` and `node_modules/` are. Default: this repository. */
  root?: string;
  /** Where the site is written. Default `<root>/dist`. */
  outDir?: string;
  /** Extra environment for the CLI and the data loaders (e.g. `PREVISION_DB`, `PREVISION_SNAPSHOTS`). */
  env?: Record<string, string>;
}

/** What {@link buildSite} produced. */
export interface BuildResult {
  /** Absolute path of the built site. */
  outDir: string;
  /** Every built HTML page, relative to `outDir`, sorted (e.g. `index.html`, `pages/asset.html`). */
  pages: string[];
  /** Wall time of the build in milliseconds. */
  ms: number;
}

const FRAMEWORK_BIN = "node_modules/@observablehq/framework/dist/bin/observable.js";
const DEFAULT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const LOCK_NAME = ".build.lock";
const LOCK_WAIT_MS = 180_000;

/**
 * Framework's client library names these packages in dynamic `npm:` imports
 * (FileAttachment.csv → d3-dsv, …) and asks registry.npmjs.org for their
 * versions at every build unless its version cache already knows one. The
 * pages never load them; seeding the cache with pinned versions keeps the
 * build offline and reproducible.
 */
const NPM_VERSION_PINS = [
  "@observablehq/plot@0.6.17",
  "@observablehq/sample-datasets@1.0.1",
  "apache-arrow@21.2.0",
  "arquero@8.0.3",
  "d3-dsv@3.0.2",
  "d3@7.9.2",
  "echarts@6.1.0",
  "htl@0.3.1",
  "leaflet@1.9.4",
  "lodash@4.18.1",
  "mapbox-gl@3.32.0",
  "parquet-wasm@0.8.0",
  "react-dom@19.3.1",
  "react@19.3.1",
  "topojson-client@3.1.0",
];
const LOCK_STALE_MS = 600_000;
const STAGING_INFIX = ".new-";

/** Modules of the project that the pages use, copied into `src/` (source → copy, from the root). */
const SHARED_MODULES = [["core/stats.ts", "src/components/stats.ts"]] as const;

/**
 * Builds the site with the Framework CLI (on Node) beside `outDir`, after
 * clearing Framework's data-loader cache, then swaps it in whole (a rename):
 * readers of `outDir` see the old site or the new one, never a partial one,
 * and a failed build leaves the old site in place. Sets `lang="en"` on every page
 * and lets pages zoom.
 * Throws an Error holding the tail of the CLI's output when the build fails.
 *
 * Builds of one project are serialized by a lock file, because they share
 * Framework's cache under `src/.observablehq/`.
 *
 * @example
 * ```ts
 * const { outDir, pages, ms } = await buildSite({ env: { PREVISION_DB: "data/warehouse.duckdb" } });
 * console.log(`built ${pages.length} pages into ${outDir} in ${ms} ms`);
 * ```
 */
export async function buildSite(options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now();
  const root = resolve(options.root ?? DEFAULT_ROOT);
  const outDir = resolve(root, options.outDir ?? "dist");
  const bin = join(root, FRAMEWORK_BIN);
  try {
    await Deno.stat(bin);
  } catch {
    throw new Error(
      `Cannot build the site: ${bin} is missing. Run \`npm ci\` (or any \`deno task\`) in ${root} first.`,
    );
  }
  const cacheDir = join(root, "src", ".observablehq");
  await Deno.mkdir(join(cacheDir, "cache"), { recursive: true });
  // Built beside outDir, then swapped in whole: the served site is never partial.
  const staging = `${outDir}${STAGING_INFIX}${Date.now()}-${Deno.pid}`;
  let pages: string[] = [];
  const unlock = await acquireLock(join(cacheDir, "cache", LOCK_NAME), {
    what: "site build",
    waitMs: LOCK_WAIT_MS,
    staleMs: LOCK_STALE_MS,
  });
  try {
    await clearLoaderCache(join(cacheDir, "cache"));
    await copySharedModules(root);
    await checkOutDir(outDir, root);
    await Deno.mkdir(dirname(outDir), { recursive: true });
    await removeLeftovers(outDir);
    await Deno.mkdir(staging, { recursive: true });
    for (const pin of NPM_VERSION_PINS) {
      await Deno.mkdir(join(cacheDir, "cache", "_npm", pin), { recursive: true });
    }
    const out = await new Deno.Command("node", {
      args: [bin, "build"],
      cwd: root,
      env: {
        NO_COLOR: "1",
        FORCE_COLOR: "0",
        OBSERVABLE_TELEMETRY_DISABLE: "true",
        PREVISION_DENO: Deno.execPath(),
        PREVISION_SITE_OUTPUT: staging,
        ...options.env,
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    if (!out.success) {
      throw new Error(
        `Site build failed (node ${FRAMEWORK_BIN} build exited with ${out.code}); ` +
          `${outDir} is unchanged:\n${tail(text, 30)}`,
      );
    }
    pages = await htmlFiles(staging);
    if (pages.length === 0) {
      throw new Error(`Site build wrote no HTML pages; ${outDir} is unchanged`);
    }
    for (const page of pages) await fixHtml(join(staging, page), "en");
    await swapIn(staging, outDir);
  } finally {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    await unlock();
  }
  return { outDir, pages, ms: Math.round(performance.now() - started) };
}

/**
 * Removes Framework's cached loader outputs and page bundles, keeping the
 * `_node` bundles of npm packages (keyed by package version, so never stale).
 */
async function clearLoaderCache(cache: string): Promise<void> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(cache));
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === "_node" || e.name === LOCK_NAME) continue;
    await Deno.remove(join(cache, e.name), { recursive: true });
  }
}

/**
 * Copies {@link SHARED_MODULES} into the source root, under a header saying
 * where they come from. A copy that is already current is left untouched.
 */
async function copySharedModules(root: string): Promise<void> {
  for (const [source, copy] of SHARED_MODULES) {
    const text = `// Generated by site/build.ts from ${source}: edit that file, not this copy.\n` +
      await Deno.readTextFile(join(root, source));
    const target = join(root, copy);
    const current = await Deno.readTextFile(target).catch(() => undefined);
    if (current !== text) await Deno.writeTextFile(target, text);
  }
}

/**
 * The build replaces `outDir` whole, so it must be empty or hold a previous
 * site build (never the project, never someone's folder).
 */
async function checkOutDir(outDir: string, root: string): Promise<void> {
  const entries = await Array.fromAsync(Deno.readDir(outDir)).catch(() => []);
  if (entries.length === 0) return;
  if (outDir === root || !entries.some((e) => e.name === "_observablehq")) {
    throw new Error(
      `Refusing to build the site into ${outDir}: it is not empty and holds no previous site build.`,
    );
  }
}

/**
 * Removes staging and set-aside folders (`dist.new-*`, `dist.old-*`) that a
 * killed build left beside `outDir`. Builds hold the lock, so none is in use.
 */
async function removeLeftovers(outDir: string): Promise<void> {
  const parent = dirname(outDir);
  const prefixes = [STAGING_INFIX, ".old-"].map((infix) => basename(outDir) + infix);
  for await (const e of Deno.readDir(parent)) {
    if (e.isDirectory && prefixes.some((p) => e.name.startsWith(p))) {
      await Deno.remove(join(parent, e.name), { recursive: true });
    }
  }
}

/**
 * Framework writes `<html>` with no language, which screen readers and axe
 * need, and a viewport that forbids zooming (`maximum-scale=1`).
 */
async function fixHtml(path: string, lang: string): Promise<void> {
  let html = await Deno.readTextFile(path);
  if (!/<html\s[^>]*\blang=/i.test(html)) {
    html = html.replace(/<html(\s|>)/i, `<html lang="${lang}"$1`);
  }
  html = html.replace(/(<meta name="viewport" content="[^"]*?),\s*maximum-scale=1/, "$1");
  await Deno.writeTextFile(path, html);
}

async function htmlFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(d: string): Promise<void> {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.name.endsWith(".html")) found.push(relative(dir, p).replaceAll("\\", "/"));
    }
  }
  await walk(dir);
  return found.sort();
}

function tail(text: string, lines: number): string {
  // deno-lint-ignore no-control-regex
  const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
  return plain.trimEnd().split("\n").slice(-lines).join("\n");
}
