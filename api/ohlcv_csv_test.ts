import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import { wantsCsv } from "./pages.ts";
import { KeyRing } from "./keys.ts";
import { LiveView, loadView } from "./serving.ts";
import { makeApiFixture } from "./testdata/fixture.ts";

Deno.test("wantsCsv follows the Accept header's ranking; JSON is the default", () => {
  assert.equal(wantsCsv(undefined), false);
  assert.equal(wantsCsv("*/*"), false);
  assert.equal(wantsCsv("application/json"), false);
  assert.equal(wantsCsv("text/csv"), true);
  assert.equal(wantsCsv("Text/CSV; charset=utf-8"), true);
  assert.equal(wantsCsv("text/csv, */*;q=0.1"), true);
  assert.equal(wantsCsv("application/json, text/csv;q=0.5"), false);
  assert.equal(wantsCsv("text/csv;q=0.9, application/json;q=0.5"), true);
  assert.equal(wantsCsv("text/csv;q=0"), false);
  assert.equal(wantsCsv("text/csv;q=nonsense"), false);
});

Deno.test("GET /api/v1/ohlcv answers CSV on Accept: text/csv, the same candles as JSON, next page in Link", async () => {
  const fx = await makeApiFixture();
  try {
    const app = createApp({
      live: LiveView.of(await loadView(fx.root)),
      keys: await KeyRing.fromFile(fx.keysPath),
    });
    const path = "/api/v1/ohlcv?symbol=ETH-USDT&timeframe=1h&start=2025-05-01&limit=5";
    const auth = { Authorization: `Bearer ${fx.key}` };
    const csv = await app.request(path, { headers: { ...auth, Accept: "text/csv" } });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get("content-type")!, /^text\/csv/);
    assert.equal(csv.headers.get("vary"), "accept");
    assert.equal(csv.headers.get("x-content-type-options"), "nosniff");
    assert.equal(csv.headers.get("x-prevision-sample"), "synthetic data");
    const lines = (await csv.text()).trimEnd().split("\n");
    assert.equal(lines[0], "ts,open,high,low,close,volume");
    assert.equal(lines.length, 6);

    const json = await app.request(path, { headers: auth });
    assert.equal(json.headers.get("vary"), "accept");
    const body = await json.json();
    body.candles.forEach((c: Record<string, number | string>, i: number) => {
      const f = lines[i + 1].split(",");
      assert.equal(f[0], c.ts);
      assert.deepEqual(f.slice(1).map(Number), [c.open, c.high, c.low, c.close, c.volume]);
    });
    const links = Object.fromEntries(
      csv.headers.get("link")!.split(", ").map((l) => {
        const m = /^<([^>]+)>; rel="(next|prev)"$/.exec(l)!;
        return [m[2], new URL(m[1], "http://x")];
      }),
    );
    assert.equal(links.next.searchParams.get("start"), body.next);
    assert.equal(links.next.searchParams.get("limit"), "5");
    // The previous page ends just before this one (JSON says the same in `prev`).
    assert.equal(links.prev.searchParams.get("start"), null);
    assert.equal(links.prev.searchParams.get("end"), body.prev);
    assert.equal(body.prev, "2025-04-30T23:00:00.000Z");

    // The last page has no next link; bad input is still a JSON 400 naming the field.
    const last = await app.request(
      "/api/v1/ohlcv?symbol=ETH-USDT&timeframe=1h&start=2025-05-01&end=2025-05-01T02:00:00Z",
      { headers: { ...auth, Accept: "text/csv" } },
    );
    assert.doesNotMatch(last.headers.get("link") ?? "", /rel="next"/);
    assert.equal((await last.text()).trimEnd().split("\n").length, 4);
    const bad = await app.request("/api/v1/ohlcv?symbol=ETH-USDT&timeframe=1h&limit=0", {
      headers: { ...auth, Accept: "text/csv" },
    });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).details[0].field, "limit");
  } finally {
    await Deno.remove(fx.dir, { recursive: true });
  }
});
