import assert from "node:assert/strict";
import fc from "fast-check";
import { createApp } from "./app.ts";
import { Metrics } from "./metrics.ts";
import { RateLimiter } from "./rate_limit.ts";
import { KeyRing } from "./keys.ts";
import { LiveView, loadView } from "./serving.ts";
import { makeApiFixture } from "./testdata/fixture.ts";

const fx = await makeApiFixture();
const live = LiveView.of(await loadView(fx.root));
const keys = await KeyRing.fromFile(fx.keysPath);
const app = createApp({ live, keys });
const auth = { Authorization: `Bearer ${fx.key}` };
const get = (path: string, headers: Record<string, string> = auth) =>
  app.request(path, { headers });

Deno.test("GET /api/health is public and reports every series with its freshness and champion", async () => {
  const res = await app.request("/api/health");
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.status, "ok");
  assert.equal(body.series.length, 4);
  assert.ok(
    body.series.every((s: { champion: string | null; sample: boolean }) => s.champion && s.sample),
  );
});

Deno.test("GET /api/health answers 503 before any snapshot exists", async () => {
  const empty = createApp({
    live: await LiveView.start(await Deno.makeTempDir(), { intervalMs: 0 }),
    keys,
  });
  const res = await empty.request("/api/health");
  assert.equal(res.status, 503);
  assert.equal((await res.json()).status, "unavailable");
});

Deno.test("GET /api/v1/* answers 401 with a JSON error without a key, or with a wrong one", async () => {
  for (
    const h of [{} as Record<string, string>, { Authorization: "Bearer nope-nope-nope-nope" }, {
      Authorization: `Basic ${fx.key}`,
    }, {
      Authorization: `Bearer ${fx.key.slice(0, -1)}x`,
    }]
  ) {
    const res = await get("/api/v1/forecasts?symbol=BTC/USDT&timeframe=1h", h);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("WWW-Authenticate"), 'Bearer realm="prevision"');
    assert.ok((await res.json()).error);
  }
});

Deno.test("GET /api/v1/forecasts returns the champion's latest forecast, symbol as BTC/USDT or BTC-USDT", async () => {
  for (const symbol of ["BTC/USDT", "BTC-USDT", "btc-usdt"]) {
    const res = await get(`/api/v1/forecasts?symbol=${encodeURIComponent(symbol)}&timeframe=1h`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.symbol, "BTC/USDT");
    assert.equal(body.timeframe, "1h");
    assert.ok(body.version_id);
    assert.equal(body.points.length, 3 * 3);
    for (const p of body.points) {
      assert.ok(p.lower <= p.yhat && p.yhat <= p.upper);
      assert.match(p.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  }
});

Deno.test("GET /api/v1/* answers 400 naming the field, and 404 for an unknown symbol or timeframe", async () => {
  let res = await get("/api/v1/forecasts?timeframe=1h");
  assert.equal(res.status, 400);
  assert.deepEqual((await res.json()).details, [{ field: "symbol", message: "required" }]);
  res = await get("/api/v1/ohlcv?symbol=BTC/USDT&timeframe=1h&start=yesterday&limit=0");
  assert.equal(res.status, 400);
  const fields = (await res.json()).details.map((d: { field: string }) => d.field).sort();
  assert.deepEqual(fields, ["limit", "start"]);
  res = await get("/api/v1/forecasts?symbol=DOGE/USDT&timeframe=1h");
  assert.equal(res.status, 404);
  assert.match((await res.json()).error, /unknown symbol DOGE\/USDT/);
  res = await get("/api/v1/ohlcv?symbol=BTC/USDT&timeframe=4h");
  assert.equal(res.status, 404);
});

Deno.test("GET /api/v1/ohlcv pages oldest first within start/end/limit", async () => {
  const res = await get(
    "/api/v1/ohlcv?symbol=ETH/USDT&timeframe=1h&start=2025-05-01&end=2025-05-02T00:00:00Z&limit=10",
  );
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.candles.length, 10);
  assert.equal(body.candles[0].ts, "2025-05-01T00:00:00.000Z");
  assert.ok(
    body.candles.every((c: { ts: string }, i: number, a: { ts: string }[]) =>
      i === 0 || c.ts > a[i - 1].ts
    ),
  );
  assert.equal(body.next, "2025-05-01T10:00:00.000Z");
});

Deno.test("GET /api/v1/markets and /api/v1/models describe series, versions and aliases", async () => {
  const m = await (await get("/api/v1/markets")).json();
  assert.equal(m.markets.length, 4);
  const models = await (await get("/api/v1/models?symbol=ETH/USDT&timeframe=1d")).json();
  assert.equal(models.versions.length, 3);
  assert.ok(
    models.versions.every((v: { metrics: Record<string, number> }) =>
      typeof v.metrics.mase === "number"
    ),
  );
  assert.ok(models.aliases.some((a: { alias: string }) => a.alias === "champion"));
});

Deno.test("the API never answers 5xx to any query string (fuzz)", async () => {
  const paths = [
    "/api/v1/forecasts",
    "/api/v1/ohlcv",
    "/api/v1/models",
    "/api/v1/forecasts/history",
    "/api/v1/signals",
  ];
  const value = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.constantFrom(
      "BTC/USDT",
      "1h",
      "2025-01-01",
      "token-metrics",
      "sample-fear-greed",
      "'; DROP TABLE ohlcv; --",
      "../../etc/passwd",
      "\u0000",
      "9".repeat(400),
    ),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...paths),
      fc.dictionary(
        fc.constantFrom(
          "symbol",
          "timeframe",
          "start",
          "end",
          "limit",
          "exchange",
          "source",
          "name",
          "x",
        ),
        value,
      ),
      async (path, q) => {
        const res = await get(`${path}?${new URLSearchParams(q)}`);
        assert.ok(res.status < 500, `${path}?${new URLSearchParams(q)} → ${res.status}`);
        await res.body?.cancel();
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("unknown /api paths answer a JSON 404", async () => {
  const res = await get("/api/v2/nothing");
  assert.equal(res.status, 404);
  assert.ok((await res.json()).error);
});

Deno.test("GET /metrics is Prometheus text with requests by route pattern, latency and forecast age", async () => {
  const own = createApp({ live, keys });
  await (await own.request("/api/v1/forecasts?symbol=BTC/USDT&timeframe=1h", { headers: auth }))
    .body?.cancel();
  await (await own.request("/api/v1/forecasts?symbol=NOPE/USDT&timeframe=1h", { headers: auth }))
    .body?.cancel();
  const res = await own.request("/metrics");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("Content-Type")!, /text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(
    text,
    /prevision_http_requests_total\{route="\/api\/v1\/forecasts",status="200"\} 1/,
  );
  assert.match(
    text,
    /prevision_http_requests_total\{route="\/api\/v1\/forecasts",status="404"\} 1/,
  );
  assert.match(
    text,
    /prevision_http_request_duration_seconds_bucket\{route="\/api\/v1\/forecasts",le="\+Inf"\} 2/,
  );
  assert.match(
    text,
    /prevision_forecast_age_seconds\{exchange="sample",symbol="BTC\/USDT",timeframe="1h"\} \d+/,
  );
  assert.ok(!text.includes("NOPE"), "labels are route patterns, not raw input");
});

Deno.test("a key over its rate limit gets 429 with Retry-After; other keys are unaffected", async () => {
  let now = 0;
  const { RateLimiter } = await import("./rate_limit.ts");
  const limited = createApp({ live, keys, rateLimit: new RateLimiter(3, () => now) });
  const statuses = [];
  for (let i = 0; i < 4; i++) {
    const r = await limited.request("/api/v1/markets", { headers: auth });
    statuses.push(r.status);
    if (r.status === 429) {
      assert.ok(Number(r.headers.get("Retry-After")) >= 1);
      assert.match((await r.json()).error, /rate limit/);
    } else await r.body?.cancel();
  }
  assert.deepEqual(statuses, [200, 200, 200, 429]);
  now += 20_000; // a token a 20 s at 3 a minute
  assert.equal((await limited.request("/api/v1/markets", { headers: auth })).status, 200);
});

Deno.test("CORS is off by default and answers configured origins only", async () => {
  const plain = await app.request("/api/health", { headers: { Origin: "https://a.example" } });
  assert.equal(plain.headers.get("Access-Control-Allow-Origin"), null);
  const withCors = createApp({ live, keys, corsOrigins: ["https://a.example"] });
  const ok = await withCors.request("/api/health", { headers: { Origin: "https://a.example" } });
  assert.equal(ok.headers.get("Access-Control-Allow-Origin"), "https://a.example");
});

Deno.test("a request body over 64 kB is refused with 413", async () => {
  const res = await app.request("/api/v1/markets", {
    method: "POST",
    headers: { ...auth, "Content-Length": String(70_000) },
    body: "x".repeat(70_000),
  });
  assert.equal(res.status, 413);
});

Deno.test("GET /api/openapi.json documents exactly the routes the app serves, from the validating schemas", async () => {
  const doc = await (await app.request("/api/openapi.json")).json();
  assert.equal(doc.openapi, "3.1.0");
  const served = new Set(
    app.routes.filter((r) => r.method === "GET" && !r.path.endsWith("*"))
      .map((r) => r.path),
  );
  assert.deepEqual(new Set(Object.keys(doc.paths)), served);
  const params = doc.paths["/api/v1/ohlcv"].get.parameters.map((p: { name: string }) => p.name);
  assert.deepEqual(params.sort(), ["end", "exchange", "limit", "start", "symbol", "timeframe"]);
  assert.equal(
    doc.paths["/api/v1/ohlcv"].get.parameters.find((p: { name: string }) => p.name === "symbol")
      .required,
    true,
  );
  const html = await (await app.request("/api/docs")).text();
  assert.match(html, /<html lang="en">/);
  assert.match(html, /GET \/api\/v1\/forecasts/);
  assert.ok(
    !/<script|https?:\/\/(?!127)/.test(html.replace(/https:\/\/json-schema\.org[^"&]*/g, "")),
    "no script, no external host",
  );
});

Deno.test("GET /api/health answers 503 naming the stale series when data is older than the configured limit", async () => {
  const strict = createApp({ live, keys, staleAfterSeconds: 3600 });
  const res = await strict.request("/api/health");
  assert.equal(res.status, 503, "the fixture's candles are from 2025");
  const body = await res.json();
  assert.equal(body.status, "stale");
  assert.equal(body.stale.length, 4);
  assert.equal((await app.request("/api/health")).status, 200, "no limit configured: 200");
});

Deno.test("every answer carries the security headers; repeated answers come whole each time", async () => {
  const paths = [
    "/api/health",
    "/api/openapi.json",
    "/metrics",
    "/api/v1/forecasts?symbol=BTC/USDT&timeframe=1h",
    "/api/v1/ohlcv?symbol=BTC/USDT&timeframe=1h&limit=3",
    "/api/v1/ohlcv?symbol=BTC/USDT&timeframe=1h&limit=nope",
    "/api/v1/nothing-here",
    "/not-a-page",
  ];
  for (const p of paths) {
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await get(p);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", p);
      assert.equal(res.headers.get("referrer-policy"), "no-referrer", p);
      bodies.push(await res.text());
    }
    assert.ok(bodies[0].length > 0, p);
    if (p.startsWith("/api/v1/")) assert.deepEqual(bodies, [bodies[0], bodies[0], bodies[0]], p);
  }
});

Deno.test("a cached answer follows the snapshot: a newly published view is served at once", async () => {
  const first = live.view!;
  let current = first;
  const swapping = {
    get view() {
      return current;
    },
    lastError: undefined,
  } as unknown as LiveView;
  const app2 = createApp({ live: swapping, keys });
  const path = "/api/v1/forecasts?symbol=BTC/USDT&timeframe=1h";
  const a = await (await app2.request(path, { headers: auth })).json();
  assert.ok(a.points.length > 0);
  const k = [...first.forecastJson.keys()].find((k) => k.endsWith("|BTC/USDT|1h"))!;
  const changed = JSON.stringify({ ...a, version_id: "v-next" });
  current = { ...first, forecastJson: new Map([...first.forecastJson, [k, changed]]) };
  assert.equal((await (await app2.request(path, { headers: auth })).json()).version_id, "v-next");
  current = { ...first, forecastJson: new Map() };
  assert.equal((await app2.request(path, { headers: auth })).status, 404);
});

Deno.test("GET /api/v1/signals filters by source, symbol, name and dates, and pages without repeats", async () => {
  const all = await (await get("/api/v1/signals?limit=5000")).json();
  const sources = new Set(all.signals.map((s: { source: string }) => s.source));
  assert.deepEqual([...sources].sort(), ["sample-fear-greed", "token-metrics"]);
  const ts = all.signals.map((s: { ts: string }) => Date.parse(s.ts));
  assert.ok(ts.every((t: number, i: number) => i === 0 || ts[i - 1] <= t), "oldest first");

  const fg =
    await (await get("/api/v1/signals?source=sample-fear-greed&start=2025-03-01&end=2025-03-10"))
      .json();
  assert.equal(fg.signals.length > 0, true);
  for (const s of fg.signals) {
    assert.equal(s.symbol, null);
    assert.ok(s.ts >= "2025-03-01" && s.ts <= "2025-03-10T23:59:59Z", s.ts);
    // Point in time: a daily value is known no earlier than its day.
    assert.ok(Date.parse(s.available_at) > Date.parse(s.ts), JSON.stringify(s));
  }

  const tm =
    await (await get("/api/v1/signals?source=token-metrics&symbol=BTC-USDT&name=trading_signal"))
      .json();
  assert.equal(tm.signals.length, 10);
  assert.ok(
    tm.signals.every((s: { symbol: string; name: string }) =>
      s.symbol === "BTC/USDT" && s.name === "trading_signal"
    ),
  );

  // Pages of 3 over 20 rows sharing times two by two: never a row twice, none lost.
  const seen: string[] = [];
  let start = "";
  for (let i = 0; i < 20; i++) {
    const page =
      await (await get(`/api/v1/signals?source=token-metrics&limit=3${start && `&start=${start}`}`))
        .json();
    seen.push(...page.signals.map((s: { ts: string; name: string }) => `${s.ts} ${s.name}`));
    if (!page.next) break;
    start = page.next;
  }
  assert.equal(seen.length, 20);
  assert.equal(new Set(seen).size, 20);
});

Deno.test("GET /api/v1/signals answers 400 naming the field and 404 for an unknown source or symbol", async () => {
  const bad = await get("/api/v1/signals?source=DROP%20TABLE&limit=0");
  assert.equal(bad.status, 400);
  const body = await bad.json();
  assert.deepEqual(body.details.map((d: { field: string }) => d.field).sort(), ["limit", "source"]);
  const src = await get("/api/v1/signals?source=nope");
  assert.equal(src.status, 404);
  assert.match((await src.json()).error, /no signals from source nope \(sources: .*token-metrics/);
  assert.equal((await get("/api/v1/signals?symbol=DOGE/EUR")).status, 404);
});

Deno.test("the forecast hot path answers like the full route: limits, metrics and logs included", async () => {
  const seenLog: { status: number; key_id?: string; path: string }[] = [];
  const metrics = new Metrics();
  const app2 = createApp({
    live,
    keys,
    metrics,
    rateLimit: new RateLimiter(3, () => 0),
    onRequest: (r) => seenLog.push(r),
  });
  const path = "/api/v1/forecasts?symbol=BTC/USDT&timeframe=1h";
  const statuses: number[] = [];
  const bodies: string[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await app2.request(path, { headers: auth });
    statuses.push(res.status);
    if (res.status === 200) {
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      bodies.push(await res.text());
    } else {
      assert.ok(res.headers.get("retry-after"));
      await res.body?.cancel();
    }
  }
  assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
  assert.deepEqual(bodies, [bodies[0], bodies[0], bodies[0]]);
  assert.deepEqual(
    seenLog.map((r) => [r.status, r.path]),
    statuses.map((s) => [s, "/api/v1/forecasts"]),
  );
  assert.ok(seenLog.every((r) => r.key_id && r.key_id === seenLog[0].key_id));
  const text = metrics.render(undefined, 0);
  assert.match(
    text,
    /prevision_http_requests_total\{route="\/api\/v1\/forecasts",status="200"\} 3/,
  );
  assert.match(
    text,
    /prevision_http_requests_total\{route="[^"]+",status="429"\} 2/,
  );
  // A wrong key never takes the hot path.
  const wrong = await app2.request(path, {
    headers: { Authorization: "Bearer pv_000000000000_nope" },
  });
  assert.equal(wrong.status, 401);
});
