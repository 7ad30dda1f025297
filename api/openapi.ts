/**
 * The OpenAPI 3.1 document, generated from the routes' own docs: query
 * parameters from the zod schemas that validate requests, answers from the
 * zod schemas of `schemas.ts`; and an offline docs page rendered from it
 * (no CDN).
 *
 * @module
 */
import { z } from "zod";
import { answerName, answerSchemas } from "./schemas.ts";

/** One documented endpoint; `path` is the path the route is mounted at. */
export interface RouteDoc<P extends string = string> {
  path: P;
  summary: string;
  auth: boolean;
  query?: z.ZodObject;
  responses: Record<string, string>;
  /** Also answers `text/csv` when the Accept header asks for it. */
  csv?: boolean;
  /** The 200 answer's schema (one of `schemas.ts`, named in `components.schemas`). */
  returns?: z.ZodType;
}

/**
 * A route's doc, its path kept as a literal type so the route can be
 * mounted at `doc.path` and Hono's typed client still sees the path.
 *
 * @example
 * ```ts
 * const DOC = routeDoc({ path: "/api/v1/markets", summary: "…", auth: true, responses: {} });
 * new Hono().get(DOC.path, (c) => c.json({}));
 * ```
 */
export function routeDoc<P extends string>(doc: RouteDoc<P>): RouteDoc<P> {
  return doc;
}

/** Answers every keyed route can give, beside its own. */
const KEYED_RESPONSES: Record<string, string> = {
  "401": "missing, invalid, expired or revoked key (WWW-Authenticate: Bearer)",
  "429": "rate limit for this key exceeded (Retry-After: seconds)",
  "503": "no snapshot published yet: run the pipeline",
};

/**
 * Builds the OpenAPI 3.1 document.
 *
 * @example
 * ```ts
 * const doc = openApiDocument(ROUTE_DOCS);
 * ```
 */
export function openApiDocument(routes: readonly RouteDoc[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const r of routes) {
    const schema = r.query
      ? z.toJSONSchema(r.query, { io: "input", unrepresentable: "any" }) as {
        properties?: Record<string, unknown>;
        required?: string[];
      }
      : {};
    const parameters = Object.entries(schema.properties ?? {}).map(([name, s]) => ({
      name,
      in: "query",
      required: (schema.required ?? []).includes(name),
      schema: s,
    }));
    paths[r.path] = {
      get: {
        summary: r.summary,
        ...(r.auth ? { security: [{ bearer: [] }] } : {}),
        parameters,
        responses: Object.fromEntries(
          Object.entries({ ...(r.auth ? KEYED_RESPONSES : {}), ...r.responses }).map((
            [code, description],
          ) => [code, { description, content: content(r, code) }]),
        ),
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Prévision API",
      version: "1",
      description:
        "Honest, versioned crypto forecasts. Times are ISO 8601 UTC; symbols BASE/QUOTE or BASE-QUOTE. Not financial advice.",
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: answerSchemas(),
    },
    paths,
  };
}

/** A self-contained HTML page describing the document (works offline). */
export function docsPage(doc: Record<string, unknown>): string {
  const esc = (s: unknown) =>
    String(s).replace(
      /[&<>"]/g,
      (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!,
    );
  const paths = doc.paths as Record<string, { get: Record<string, unknown> }>;
  const sections = Object.entries(paths).map(([path, { get }]) => {
    const params = (get.parameters as { name: string; required: boolean; schema: unknown }[]) ?? [];
    const rows = params.map((p) =>
      `<tr><td><code>${esc(p.name)}</code></td><td>${
        p.required ? "required" : "optional"
      }</td><td><code>${esc(JSON.stringify(p.schema))}</code></td></tr>`
    ).join("");
    const codes = Object.entries(get.responses as Record<string, { description: string }>).map((
      [c, r],
    ) => `<li><strong>${esc(c)}</strong> ${esc(r.description)}</li>`).join("");
    return `<section><h2><code>GET ${esc(path)}</code></h2><p>${esc(get.summary)}${
      get.security ? " <em>(needs <code>Authorization: Bearer &lt;key&gt;</code>)</em>" : ""
    }</p>${
      rows
        ? `<table><thead><tr><th>parameter</th><th></th><th>schema</th></tr></thead><tbody>${rows}</tbody></table>`
        : ""
    }<ul>${codes}</ul></section>`;
  }).join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Prévision API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
code{background:#f2f2f2;padding:0 .2em}table{border-collapse:collapse}td,th{border-bottom:1px solid #ccc;padding:.2em .6em;text-align:left}</style>
</head><body><h1>Prévision API</h1><p>${esc((doc.info as { description: string }).description)}</p>
<p>The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
${sections}</body></html>`;
}

/** The media types (and schema) of one answer. */
function content(r: RouteDoc, code: string): Record<string, unknown> {
  if (r.path === "/metrics" && code === "200") return { "text/plain": {} };
  if (r.path === "/api/docs" && code === "200") return { "text/html": {} };
  if (code !== "200") {
    return { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };
  }
  const name = r.returns && answerName(r.returns);
  if (r.returns && !name) throw new Error(`${r.path}: its answer schema has no name in schemas.ts`);
  const json = name ? { schema: { $ref: `#/components/schemas/${name}` } } : {};
  return r.csv ? { "application/json": json, "text/csv": {} } : { "application/json": json };
}
