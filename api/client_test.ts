import assert from "node:assert/strict";
import { hc } from "hono/client";
import { type App, createApp } from "./app.ts";
import { KeyRing } from "./keys.ts";
import { LiveView, loadView } from "./serving.ts";
import { makeApiFixture } from "./testdata/fixture.ts";

Deno.test("Hono's typed RPC client works against the app (routes typed through App)", async () => {
  const fx = await makeApiFixture();
  const app = createApp({
    live: LiveView.of(await loadView(fx.root)),
    keys: await KeyRing.fromFile(fx.keysPath),
  });
  const client = hc<App>("http://prevision.test", {
    headers: { Authorization: `Bearer ${fx.key}` },
    fetch: (input: RequestInfo | URL, init?: RequestInit) => app.request(input, init),
  });
  const res = await client.api.v1.markets.$get();
  assert.equal(res.status, 200);
  const body = await res.json();
  const count: number = body.markets.length; // typed: markets is an array
  assert.equal(count, 4);
  const ohlcv = await client.api.v1.ohlcv.$get({
    query: { symbol: "ETH-USDT", timeframe: "1d", limit: "3" },
  });
  assert.equal(ohlcv.status, 200);
  await Deno.remove(fx.dir, { recursive: true });
});
