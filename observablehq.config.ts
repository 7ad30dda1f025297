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

export default {
  root: "src",
  // site/build.ts points this at its outDir; the default is the contract's dist/.
  output: process.env.PREVISION_SITE_OUTPUT || "dist",
  title: "Prévision",
  pages: [
    { name: "Asset", path: "/pages/asset" },
    { name: "Models", path: "/pages/models" },
  ],
  // Framework's default global stylesheet is a web font from a font CDN: drop it.
  globalStylesheets: [],
  style: "style.css",
  // Data loaders are Deno scripts; site/build.ts passes the running Deno's path.
  interpreters: { ".ts": [process.env.PREVISION_DENO || "deno", "run", "-A"] },
  search: false,
  pager: false,
  head: '<meta name="description" content="Prévision: honest, versioned crypto forecasts.">',
  footer: "Not financial advice. Forecasts are uncertain; their intervals say how uncertain. " +
    "All times are UTC.",
};
