import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import { KeyRing } from "./keys.ts";
import { validIsoDate } from "../core/time.ts";
import { LiveView, loadView } from "./serving.ts";
import { makeApiFixture } from "./testdata/fixture.ts";

const fx = await makeApiFixture();
const view = await loadView(fx.root);
const keys = await KeyRing.fromFile(fx.keysPath);
const app = createApp({ live: LiveView.of(view), keys });
const auth = { Authorization: `Bearer ${fx.key}` };
const get = (path: string, headers: Record<string, string> = auth) =>
  app.request(path, { headers });
const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test("validIsoDate accepts real instants only", () => {
  for (
    const ok of [
      "2026-02-28",
      "2024-02-29",
      "2026-01-31T23:59:59Z",
      "2026-01-31 12:00",
      "2026-01-31T12:00:00.123+02:00",
    ]
  ) {
    assert.ok(validIsoDate(ok), ok);
  }
  for (
    const bad of [
      "2026-02-30",
      "2025-02-29",
      "2026-04-31",
      "2026-01-31T24:00:00Z",
      "2026-13-01",
      "2026-01-31T12:60",
      "Jan 31 2026",
      "0",
    ]
  ) {
    assert.ok(!validIsoDate(bad), bad);
  }
});

Deno.test("impossible dates and start after end are a 400 naming the field", opts, async () => {
  for (const q of ["start=2026-02-30", "end=2026-04-31", "start=2026-01-31T24:00:00Z"]) {
    const res = await get(`/api/v1/ohlcv?symbol=BTC/USDT&timeframe=1h&${q}`);
    assert.equal(res.status, 400, q);
    assert.equal((await res.json()).details[0].field, q.split("=")[0]);
  }
  for (const path of ["ohlcv", "forecasts/history"]) {
    const res = await get(
      `/api/v1/${path}?symbol=BTC/USDT&timeframe=1h&start=2025-05-02&end=2025-05-01`,
    );
    assert.equal(res.status, 400, path);
    const body = await res.json();
    assert.deepEqual(body.details, [{ field: "start", message: "start is after end" }]);
  }
  const sig = await get("/api/v1/signals?start=2025-05-02&end=2025-05-01");
  assert.equal(sig.status, 400);
});

Deno.test("an unknown but well-formed timeframe is a 404; 1H means 1h", opts, async () => {
  const res = await get("/api/v1/forecasts?symbol=BTC/USDT&timeframe=2h");
  assert.equal(res.status, 404);
  assert.match((await res.json()).error, /no 2h series for BTC\/USDT/);
  const upper = await get("/api/v1/ohlcv?symbol=BTC/USDT&timeframe=1H&limit=2");
  const lower = await get("/api/v1/ohlcv?symbol=BTC/USDT&timeframe=1h&limit=2");
  assert.equal(upper.status, 200);
  assert.deepEqual(await upper.json(), await lower.json());
  assert.equal((await get("/api/v1/ohlcv?symbol=BTC/USDT&timeframe=hourly")).status, 400);
});

Deno.test("OHLCV without a start offers the previous page in prev", opts, async () => {
  const latest = await (await get("/api/v1/ohlcv?symbol=BTC/USDT&timeframe=1h&limit=3")).json();
  assert.equal(latest.next, null);
  assert.ok(latest.prev);
  const before = await (await get(
    `/api/v1/ohlcv?symbol=BTC/USDT&timeframe=1h&limit=3&end=${latest.prev}`,
  )).json();
  assert.equal(before.candles.at(-1).ts, latest.prev);
  assert.ok(before.candles.at(-1).ts < latest.candles[0].ts);
});

Deno.test(
  "forecast history honours limit and pages by target time without repeats",
  opts,
  async () => {
    // Five issues of three horizons each: target times overlap between issues.
    const v = await loadView(fx.root);
    const k = "sample|BTC/USDT|1h";
    const t0 = Date.parse("2025-05-20T00:00:00Z");
    const iso = (t: number) => new Date(t).toISOString();
    v.forecastRows.set(
      k,
      [0, 1, 2, 3, 4].flatMap((i) =>
        [1, 2, 3].map((h) => ({
          version_id: "v",
          issued_at: iso(t0 + i * 3_600_000 + 60_000),
          ts: iso(t0 + (i + h) * 3_600_000),
          horizon: h,
          yhat: 1,
          lower: 0,
          upper: 2,
          level: 0.8,
        }))
      ),
    );
    const paged = createApp({ live: LiveView.of(v), keys });
    const base = "/api/v1/forecasts/history?symbol=BTC/USDT&timeframe=1h";
    const call = async (q: string) =>
      await (await paged.request(`${base}${q}`, { headers: auth })).json();
    const all = (await call("&limit=5000")).points;
    assert.equal(all.length, 15);
    const seen: string[] = [];
    let start = "2000-01-01";
    for (let pages = 0; pages < 100; pages++) {
      const page = await call(`&limit=4&start=${start}`);
      assert.ok(page.points.length <= 4 && page.points.length > 0);
      seen.push(
        ...page.points.map((p: { ts: string; issued_at: string; horizon: number }) =>
          `${p.ts}|${p.issued_at}|${p.horizon}`
        ),
      );
      if (page.next === null) break;
      assert.ok(page.next > page.points.at(-1).ts);
      start = page.next;
    }
    assert.equal(new Set(seen).size, seen.length, "no repeats");
    assert.equal(seen.length, all.length, "every point once");
    const latest = await call("&limit=4");
    assert.ok(latest.points.length <= 4 && latest.points.length > 0);
    assert.equal(latest.points.at(-1).ts, all.at(-1).ts);
    assert.ok(latest.prev < latest.points[0].ts);
  },
);

Deno.test("CORS headers come on every answer, repeated forecast polls included", opts, async () => {
  const cors = createApp({ live: LiveView.of(view), keys, corsOrigins: ["https://a.example"] });
  const path = "/api/v1/forecasts?symbol=BTC/USDT&timeframe=1h";
  for (let i = 0; i < 3; i++) {
    // Without an Origin too: a shared cache must see Vary: Origin on every copy.
    const plain = await cors.request(path, { headers: auth });
    assert.match(plain.headers.get("vary") ?? "", /origin/i, `poll ${i} without Origin`);
    await plain.body?.cancel();
    const res = await cors.request(path, { headers: { ...auth, Origin: "https://a.example" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("access-control-allow-origin"), "https://a.example", `poll ${i}`);
    assert.match(res.headers.get("access-control-expose-headers") ?? "", /Link/);
    await res.body?.cancel();
  }
  const pre = await cors.request("/api/v1/markets", {
    method: "OPTIONS",
    headers: { Origin: "https://a.example", "Access-Control-Request-Method": "GET" },
  });
  assert.equal(pre.headers.get("access-control-allow-methods"), "GET,HEAD");
});

Deno.test(
  "health judges staleness by how late the next candle is, and hides reload details",
  opts,
  async () => {
    const body = await (await app.request("/api/health")).json();
    for (const s of body.series) {
      const step = s.timeframe === "1d" ? 86_400 : 3_600;
      assert.equal(s.behind_s, Math.max(0, s.data_age_s - step), `${s.symbol} ${s.timeframe}`);
    }
    const live = LiveView.of(view);
    live.lastError = "IO Error: /secret/path/forecasts.parquet too small LINE 1: CREATE VIEW";
    const res = await createApp({ live, keys }).request("/api/health");
    const text = await res.text();
    assert.ok(!text.includes("/secret/path") && !text.includes("CREATE VIEW"), text);
    assert.match(JSON.parse(text).reload_error, /still serving/);
  },
);

Deno.test("pages are never framed by another site", opts, async () => {
  const res = await app.request("/api/docs");
  assert.equal(res.headers.get("x-frame-options"), "DENY");
  assert.match(res.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
});

Deno.test("a query string over 2 KB is refused with 414 naming the limit, before it is parsed or cached", async () => {
  const long = "x".repeat(64 * 1024);
  for (
    const path of [
      `/api/v1/forecasts?symbol=BTC/USDT&timeframe=1h&pad=${long}`,
      `/api/v1/ohlcv?symbol=BTC/USDT&timeframe=1h&limit=10&pad=${long}`,
      `/api/health?${long}`,
    ]
  ) {
    const res = await get(path);
    assert.equal(res.status, 414, path.slice(0, 30));
    assert.match((await res.json()).error, /query string too long: 2048 bytes at most/);
  }
  // A query string just under the bound still works.
  const ok = await get(
    `/api/v1/ohlcv?symbol=BTC/USDT&timeframe=1h&limit=1&pad=${"x".repeat(1900)}`,
  );
  assert.equal(ok.status, 200);
});

Deno.test("a wrong method on a known path is a 405 with Allow: GET, HEAD; an unknown path stays 404", async () => {
  for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
    for (
      const path of ["/api/v1/ohlcv?symbol=BTC/USDT", "/api/health", "/api/v1/forecasts/history"]
    ) {
      const res = await app.request(path, { method, headers: auth });
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.headers.get("allow"), "GET, HEAD");
      assert.match((await res.json()).error, new RegExp(`method ${method} not allowed`));
    }
  }
  const head = await app.request("/api/health", { method: "HEAD" });
  assert.equal(head.status, 200);
  await head.body?.cancel();
  const unknown = await app.request("/api/v1/nope", { method: "POST", headers: auth });
  assert.equal(unknown.status, 404);
  await unknown.body?.cancel();
});
