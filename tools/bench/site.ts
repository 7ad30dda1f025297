/**
 * Bench: the site's budgets, per page, in headless Debian Chromium — the
 * JavaScript a page loads, gzip-compressed as a server would send it (its
 * modules plus the inline script of its HTML), against 600 kB; and the time
 * from navigation start to the first chart drawn (a `figure svg` with marks
 * in the page's main column), against 1.5 s. The ratio is budget ÷ measured:
 * above 1 is within budget.
 *
 * The site is built from the warehouse's published snapshot (`PREVISION_DB`,
 * default `data/warehouse.duckdb`) when there is one — real payload sizes —
 * and from the small test fixture otherwise; the result says which.
 *
 * @module
 */
import { join } from "node:path";
import { buildSite } from "../../site/build.ts";
import { makeFixtureWarehouse } from "../../site/testdata/fixture.ts";
import { chromium, type Page } from "../../site/testdata/playwright.ts";
import { serveStatic } from "../../site/testdata/serve.ts";
import { snapshotRoot } from "../../warehouse/snapshot.ts";
import type { BenchResult } from "./mod.ts";

const CHROMIUM = "/usr/bin/chromium";
/** Every page of the site, as in the header nav. */
export const SITE_PAGES = [
  ["overview", ""],
  ["asset", "pages/asset"],
  ["track-record", "pages/track-record"],
  ["models", "pages/models"],
  ["signals", "pages/signals"],
  ["research", "pages/research"],
  ["quality", "pages/quality"],
  ["api", "pages/api"],
] as const;
/** Budgets from the site's issue: per page, compressed JavaScript and first chart. */
export const JS_BUDGET_KB = 600;
export const FIRST_CHART_BUDGET_MS = 1500;

/** Records, from the first byte of the document on, when the first chart with marks appears. */
const FIRST_CHART_PROBE = `
  (() => {
    const sel = "#observablehq-main figure svg :is(path, rect, circle, line, text)";
    const check = () => {
      if (window.__firstChart == null && document.querySelector(sel)) {
        window.__firstChart = performance.now();
        observer.disconnect();
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document, { childList: true, subtree: true });
  })();`;

/** One page's measurements. */
export interface PageMeasure {
  page: string;
  jsGzipBytes: number;
  jsFiles: number;
  firstChartMs: number[];
}

/**
 * Builds the site, then loads each page `runs` times in a fresh browser
 * context (a cold cache) and measures it. Skipped, with the reason, when
 * Chromium is missing.
 *
 * @example
 * ```ts
 * const results = await benchSite({ runs: 3 });
 * ```
 */
export async function benchSite(options: { runs?: number } = {}): Promise<BenchResult[]> {
  const runs = options.runs ?? 5;
  if (!await Deno.stat(CHROMIUM).then(() => true, () => false)) {
    return [{
      name: "site",
      what: "page JS size and first chart time",
      value: NaN,
      unit: "",
      reference: `skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`,
    }];
  }
  const tmp = await Deno.makeTempDir({ prefix: "prevision-bench-site-" });
  try {
    const { env, data } = await warehouseFor(tmp);
    const { outDir } = await buildSite({ outDir: join(tmp, "dist"), env });
    const measures = await measurePages(outDir, runs);
    return measures.flatMap((m) => {
      const kb = m.jsGzipBytes / 1024;
      const drawn = m.firstChartMs.filter(Number.isFinite);
      const ms = drawn.length ? median(drawn) : NaN;
      return [
        {
          name: `site ${m.page}: JavaScript, gzip`,
          what: `${m.jsFiles} scripts + inline; ${data}`,
          value: kb,
          unit: "kB",
          reference: `budget ${JS_BUDGET_KB} kB`,
          ratio: JS_BUDGET_KB / kb,
        },
        {
          name: `site ${m.page}: first chart drawn`,
          what: drawn.length
            ? `median of ${drawn.length} cold loads (${
              drawn.map((x) => x.toFixed(0)).join(", ")
            } ms), headless Chromium`
            : "no chart on this page with this data (an empty state)",
          value: ms,
          unit: "ms",
          reference: `budget ${FIRST_CHART_BUDGET_MS} ms`,
          ratio: drawn.length ? FIRST_CHART_BUDGET_MS / ms : undefined,
        },
      ];
    });
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** The current warehouse's snapshot when there is one, else a fresh fixture under `tmp`. */
async function warehouseFor(tmp: string): Promise<{ env: Record<string, string>; data: string }> {
  const db = Deno.env.get("PREVISION_DB") || "data/warehouse.duckdb";
  const snaps = snapshotRoot(db);
  const current = await Deno.readTextFile(join(snaps, "CURRENT")).catch(() => "");
  if (current.trim()) {
    return { env: { PREVISION_DB: db, PREVISION_SNAPSHOTS: snaps }, data: `warehouse ${db}` };
  }
  const fixture = await makeFixtureWarehouse(join(tmp, "wh"));
  return {
    env: { PREVISION_DB: fixture, PREVISION_SNAPSHOTS: join(tmp, "wh", "snapshots") },
    data: "test fixture (no snapshot at " + snaps + ")",
  };
}

/** Loads every page `runs` times; returns its compressed JS and first-chart times. */
export async function measurePages(outDir: string, runs: number): Promise<PageMeasure[]> {
  const server = serveStatic(outDir);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  const gzipCache = new Map<string, number>();
  const out: PageMeasure[] = [];
  try {
    for (const [name, path] of SITE_PAGES) {
      const times: number[] = [];
      let scripts = new Set<string>();
      for (let run = 0; run < runs; run++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        const seen = new Set<string>();
        page.on("response", (r) => {
          const url = new URL(r.url());
          if (url.origin === new URL(server.url).origin && url.pathname.endsWith(".js")) {
            seen.add(url.pathname);
          }
        });
        await page.addInitScript(FIRST_CHART_PROBE);
        await page.goto(server.url + path, { waitUntil: "load" });
        // A page in an empty state (no API requests, no signals yet) draws no chart at all.
        await page.waitForFunction("window.__firstChart != null", undefined, { timeout: 10_000 })
          .catch(() => {});
        await settle(page);
        const at = await page.evaluate<number | null>("window.__firstChart ?? null");
        times.push(at ?? NaN);
        scripts = seen;
        await page.close();
        await context.close();
      }
      let bytes = 0;
      for (const p of scripts) {
        bytes += await gzipSize(join(outDir, decodeURIComponent(p)), gzipCache);
      }
      bytes += await inlineScriptGzip(join(outDir, path === "" ? "index.html" : `${path}.html`));
      out.push({ page: name, jsGzipBytes: bytes, jsFiles: scripts.size, firstChartMs: times });
    }
  } finally {
    await browser.close();
    await server.shutdown();
  }
  return out;
}

/** Lets late module imports finish, so every script the page loads is counted. */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction("document.readyState === 'complete'");
  await new Promise((r) => setTimeout(r, 500));
}

async function gzipSize(path: string, cache: Map<string, number>): Promise<number> {
  const hit = cache.get(path);
  if (hit !== undefined) return hit;
  const n = await gzipBytes(await Deno.readFile(path));
  cache.set(path, n);
  return n;
}

async function inlineScriptGzip(htmlPath: string): Promise<number> {
  const html = await Deno.readTextFile(htmlPath);
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)]
    .map((m) => m[1]).join("\n");
  return inline ? await gzipBytes(new TextEncoder().encode(inline)) : 0;
}

async function gzipBytes(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
