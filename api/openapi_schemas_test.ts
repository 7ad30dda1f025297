import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import { KeyRing } from "./keys.ts";
import { LiveView, loadView } from "./serving.ts";
import { makeApiFixture } from "./testdata/fixture.ts";

type Schema = Record<string, unknown>;

/** The errors of `value` against the document's (small) JSON Schema subset; strict on properties. */
function check(value: unknown, schema: Schema, doc: Schema, at = "$"): string[] {
  if (typeof schema.$ref === "string") {
    const name = schema.$ref.split("/").at(-1)!;
    return check(
      value,
      (doc.components as { schemas: Record<string, Schema> }).schemas[name],
      doc,
      at,
    );
  }
  if (Array.isArray(schema.anyOf)) {
    const ok = (schema.anyOf as Schema[]).some((s) => check(value, s, doc, at).length === 0);
    return ok ? [] : [`${at}: ${JSON.stringify(value)} matches none of anyOf`];
  }
  const type = schema.type;
  const is: Record<string, (v: unknown) => boolean> = {
    string: (v) => typeof v === "string",
    number: (v) => typeof v === "number",
    integer: (v) => Number.isInteger(v),
    boolean: (v) => typeof v === "boolean",
    null: (v) => v === null,
    array: Array.isArray,
    object: (v) => typeof v === "object" && v !== null && !Array.isArray(v),
  };
  if (typeof type === "string" && !is[type](value)) return [`${at}: expected ${type}`];
  if (schema.format === "date-time" && !/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(value as string)) {
    return [`${at}: ${value} is not ISO 8601 UTC`];
  }
  const errs: string[] = [];
  if (type === "array") {
    (value as unknown[]).forEach((v, i) =>
      errs.push(...check(v, schema.items as Schema, doc, `${at}[${i}]`))
    );
  }
  if (type === "object") {
    const props = schema.properties as Record<string, Schema>;
    const o = value as Record<string, unknown>;
    for (const k of (schema.required as string[]) ?? []) {
      if (!(k in o)) errs.push(`${at}.${k}: missing`);
    }
    for (const [k, v] of Object.entries(o)) {
      if (!(k in props)) errs.push(`${at}.${k}: not in the schema`);
      else errs.push(...check(v, props[k], doc, `${at}.${k}`));
    }
  }
  return errs;
}

Deno.test("every documented answer schema matches what the API sends, field for field", async () => {
  const fx = await makeApiFixture();
  try {
    const app = createApp({
      live: LiveView.of(await loadView(fx.root)),
      keys: await KeyRing.fromFile(fx.keysPath),
    });
    const doc = await (await app.request("/api/openapi.json")).json();
    const headers = { Authorization: `Bearer ${fx.key}` };
    const queries: Record<string, string> = {
      "/api/v1/ohlcv": "?symbol=BTC/USDT&timeframe=1h&limit=50",
      "/api/v1/forecasts": "?symbol=BTC/USDT&timeframe=1h",
      "/api/v1/forecasts/history": "?symbol=BTC/USDT&timeframe=1h",
      "/api/v1/signals": "?limit=50",
    };
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths as Record<string, { get: Schema }>)) {
      const ok = (item.get.responses as Record<string, { content: Record<string, Schema> }>)["200"];
      const schema = ok.content["application/json"]?.schema as Schema | undefined;
      if (!schema) continue;
      assert.ok(queries[path] !== undefined, `a sample query for ${path}`);
      const res = await app.request(path + queries[path], { headers });
      assert.equal(res.status, 200, path);
      const body = await res.json();
      assert.deepEqual(check(body, schema, doc), [], path);
      checked++;
    }
    assert.equal(checked, 4);
    // Errors have the documented shape too.
    const bad = await (await app.request("/api/v1/ohlcv?symbol=nope", { headers })).json();
    assert.deepEqual(check(bad, { $ref: "#/components/schemas/Error" }, doc), []);
    // A drifted field is caught.
    assert.notDeepEqual(
      check({ error: "x", extra: 1 }, { $ref: "#/components/schemas/Error" }, doc),
      [],
    );
  } finally {
    await Deno.remove(fx.dir, { recursive: true });
  }
});
