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
  // Typed answers (these lines do not compile if the client loses the types).
  const page = await ohlcv.json();
  const close: number = page.candles[0].close;
  const next: string | null = page.next;
  assert.ok(close > 0 && (next === null || next > page.candles[0].ts));
  const fc = await (await client.api.v1.forecasts.$get({
    query: { symbol: "BTC/USDT", timeframe: "1h" },
  })).json();
  const upper: number = fc.points[0].upper;
  assert.ok(upper >= fc.points[0].yhat);
  const health = await (await client.api.health.$get()).json();
  assert.ok("series" in health && health.series.length === 4);
  const signals = await (await client.api.v1.signals.$get({ query: {} })).json();
  assert.ok(Array.isArray(signals.signals));
  // A misspelt query field is a compile error.
  // @ts-expect-error: `symbl` is not a query field of /api/v1/ohlcv
  await client.api.v1.ohlcv.$get({ query: { symbl: "BTC/USDT" } }).catch(() => {});
  await Deno.remove(fx.dir, { recursive: true });
});
