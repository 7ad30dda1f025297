import assert from "node:assert/strict";
import { createClient, rewriteHosts } from "./_client.ts";

Deno.test("rewriteHosts() replaces scheme and host in every nested API URL", () => {
  const urls = {
    api: {
      public: "https://api.binance.com/api/v3",
      fapi: { public: "https://fapi.binance.com/fapi/v1" },
      rest: "https://{hostname}/0",
      ws: "wss://stream.binance.com:9443/ws",
    },
  };
  rewriteHosts(urls, "http://127.0.0.1:9000/");
  assert.deepEqual(urls.api, {
    public: "http://127.0.0.1:9000/api/v3",
    fapi: { public: "http://127.0.0.1:9000/fapi/v1" },
    rest: "http://127.0.0.1:9000/0",
    ws: "wss://stream.binance.com:9443/ws",
  });
  assert.throws(() => rewriteHosts(urls, "localhost"), TypeError);
});

Deno.test("createClient() routes binance's klines requests to the base URL", async () => {
  const seen: string[] = [];
  const { exchange, requests } = createClient("binance", {
    baseUrl: "http://127.0.0.1:1",
    fetchImpl: (input) => {
      seen.push(String(input));
      return Promise.resolve(Response.json([]));
    },
  });
  await exchange.fetchOHLCV("BTC/USDT", "1h", 0, 10).catch(() => {});
  // Markets load first (spot only), then the klines request.
  assert.ok(seen.every((u) => u.startsWith("http://127.0.0.1:1/api/v3/")), seen.join(" "));
  assert.equal(requests(), seen.length);
});

Deno.test("createClient() names close and common ids for an unknown exchange", () => {
  assert.throws(
    () => createClient("krakn"),
    /Unknown exchange "krakn": did you mean kraken.*e\.g\. binance/,
  );
  assert.throws(() => createClient("__proto__"), RangeError);
});
