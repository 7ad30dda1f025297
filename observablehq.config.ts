/**
 * Observable Framework configuration for the Prévision site. `site/build.ts`
 * runs the build (Node runs this file, through Framework's tsx).
 *
 * Works with no network: no web font, no `npm:` imports (pages import Plot,
 * d3 and Inputs from node_modules), and `.ts` data loaders run with Deno.
 *
 * @module
 */
import process from "node:process";

const NAV = [
  { name: "Overview", path: "/" },
  { name: "Asset", path: "/pages/asset" },
  { name: "Track record", path: "/pages/track-record" },
  { name: "Models", path: "/pages/models" },
  { name: "Signals", path: "/pages/signals" },
  { name: "Research", path: "/pages/research" },
  { name: "Data quality", path: "/pages/quality" },
  { name: "API monitor", path: "/pages/api" },
];

function nav(current: string): string {
  const here = current === "/index" ? "/" : current;
  const links = NAV.map((p) =>
    `<a href="${p.path}"${p.path === here ? ' aria-current="page"' : ""}>${p.name}</a>`
  );
  return `<nav class="pv-nav" aria-label="Site"><span class="pv-brand">Prévision</span> ${
    links.join(" ")
  }</nav>`;
}

export default {
  root: "src",
  // site/build.ts points this at its outDir; the default is the contract's dist/.
  output: process.env.PREVISION_SITE_OUTPUT || "dist",
  title: "Prévision",
  pages: NAV.slice(1),
  // Framework's default global stylesheet is a web font from a font CDN: drop it.
  globalStylesheets: [],
  style: "style.css",
  // Data loaders are Deno scripts; site/build.ts passes the running Deno's path.
  interpreters: { ".ts": [process.env.PREVISION_DENO || "deno", "run", "-A"] },
  // A plain header nav instead of Framework's sidebar, whose toggle markup fails axe checks.
  sidebar: false,
  search: false,
  pager: false,
  toc: false,
  header: ({ path }: { path: string }) => nav(path),
  // An inline icon, so browsers do not request /favicon.ico (a 404 on a static host).
  head: '<meta name="description" content="Prévision: honest, versioned crypto forecasts.">' +
    '<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 ' +
    "viewBox=%220 0 16 16%22%3E%3Crect width=%2216%22 height=%2216%22 rx=%223%22 fill=%22%232f52b0%22/%3E" +
    '%3C/svg%3E">',
  footer: "Not financial advice. Forecasts are uncertain; their intervals say how uncertain. " +
    "Times are UTC unless you switch a page to your own zone.",
};
