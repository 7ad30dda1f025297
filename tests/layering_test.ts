/**
 * The house's layering, checked on every import (see ARCHITECTURE.md): a
 * folder may import only the folders below it, so no folder-level cycle can
 * form, and no non-test module grows past what a reader can hold.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** Which project folders each folder's modules may import (besides itself). */
export const LAYERS: Record<string, readonly string[]> = {
  core: [],
  warehouse: ["core"],
  loaders: ["core", "warehouse"],
  pipeline: ["core", "warehouse"],
  api: ["core", "warehouse"],
  jobs: ["core", "warehouse", "loaders", "pipeline"],
  site: ["core", "warehouse"],
  src: ["core", "warehouse"],
  cli: ["core", "warehouse", "loaders", "pipeline", "api", "jobs", "site"],
};

/** Folders whose code is free to use anything: the test suites and developer tools. */
const FREE = new Set(["tests", "tools"]);
const MAX_LINES = 400;
const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), ".."));
/** Top-level folders that hold no project code (built output, the warehouse, artifacts). */
const NOT_CODE = new Set(["node_modules", "dist", "data", "models", "scratch", "test-artifacts"]);

interface Edge {
  file: string;
  from: string;
  to: string;
  line: number;
}

async function* sources(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    if (dir === ROOT && NOT_CODE.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory) yield* sources(p);
    else if (/\.(ts|js)$/.test(e.name)) yield p;
  }
}

const isTest = (file: string) => /_test\.ts$/.test(file) || file.split("/").includes("testdata");
const top = (file: string) => file.split("/")[0];

/** Every relative import (static, dynamic, re-export, worker URL) between top-level folders. */
export function importsOf(file: string, text: string): Edge[] {
  const edges: Edge[] = [];
  const re = /(?:from|import\s*\(|import|new URL\()\s*["'](\.{1,2}\/[^"']+)["']/g;
  for (const m of text.matchAll(re)) {
    const target = normalize(join(dirname(file), m[1]));
    if (target.startsWith("..")) continue;
    const from = top(file), to = top(target);
    if (from === to || !(to in LAYERS)) continue;
    edges.push({ file, from, to, line: text.slice(0, m.index).split("\n").length });
  }
  return edges;
}

async function project(): Promise<{ files: Map<string, string>; edges: Edge[] }> {
  const files = new Map<string, string>();
  const edges: Edge[] = [];
  for await (const p of sources(ROOT)) {
    const file = relative(ROOT, p);
    if (!file.includes("/")) continue; // config files at the root
    const text = await Deno.readTextFile(p);
    files.set(file, text);
    edges.push(...importsOf(file, text));
  }
  return { files, edges };
}

Deno.test("layering: every module imports only the layers below its folder", async () => {
  const { edges } = await project();
  const broken = edges.filter((e) =>
    !FREE.has(e.from) && !isTest(e.file) && !(LAYERS[e.from] ?? []).includes(e.to)
  ).map((e) =>
    `${e.file}:${e.line} imports ${e.to}/ (${e.from}/ may import ${
      LAYERS[e.from]?.join(", ") || "nothing"
    })`
  );
  assert.deepEqual(broken, []);
});

Deno.test("layering: the API's tests build their fixtures from SQL, not from loaders, pipeline or CLI", async () => {
  const { edges } = await project();
  const broken = edges.filter((e) =>
    e.from === "api" && ["loaders", "pipeline", "cli", "jobs"].includes(e.to)
  )
    .map((e) => `${e.file}:${e.line} imports ${e.to}/`);
  assert.deepEqual(broken, []);
});

Deno.test("layering: no folder-level import cycle", async () => {
  const { edges } = await project();
  const graph = new Map<string, Set<string>>();
  for (const e of edges.filter((e) => !isTest(e.file) && !FREE.has(e.from))) {
    graph.set(e.from, (graph.get(e.from) ?? new Set()).add(e.to));
  }
  const cycles: string[] = [];
  const visit = (node: string, path: string[]) => {
    if (path.includes(node)) {
      cycles.push([...path.slice(path.indexOf(node)), node].join(" → "));
      return;
    }
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
  };
  for (const node of graph.keys()) visit(node, []);
  assert.deepEqual(cycles, []);
});

Deno.test(`layering: no non-test module is over ${MAX_LINES} lines`, async () => {
  const { files } = await project();
  const long = [...files].filter(([f]) => !isTest(f) && !FREE.has(top(f)))
    .map(([f, text]) => [f, text.split("\n").length - (text.endsWith("\n") ? 1 : 0)] as const)
    .filter(([, n]) => n > MAX_LINES).map(([f, n]) => `${f}: ${n} lines`);
  assert.deepEqual(long, []);
});

Deno.test("layering: the rule itself catches an import that breaks it", () => {
  const edges = importsOf("api/x.ts", 'import { trainSeries } from "../pipeline/train.ts";\n');
  assert.deepEqual(edges.map((e) => [e.from, e.to, e.line]), [["api", "pipeline", 1]]);
  assert.ok(!LAYERS.api.includes("pipeline"));
  assert.deepEqual(importsOf("core/x.ts", 'export * from "./y.ts";'), []);
});
