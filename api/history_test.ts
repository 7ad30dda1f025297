import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import { KeyRing } from "./keys.ts";
import { seriesKey } from "../core/series.ts";
import { LiveView, loadView } from "./serving.ts";
import { makeApiFixture } from "./testdata/fixture.ts";

Deno.test("GET /api/v1/forecasts/history shows the realized close only once the target candle has closed", async () => {
  const fx = await makeApiFixture();
  try {
    const view = await loadView(fx.root);
    const k = seriesKey({ exchange: "sample", symbol: "BTC/USDT", timeframe: "1h" });
    const s = view.series.get(k)!;
    const last = s.ts[s.ts.length - 1];
    const row = (ts: number, horizon: number) => ({
      version_id: "test-version",
      issued_at: new Date(last - 3_600_000 * 2).toISOString(),
      ts: new Date(ts).toISOString(),
      horizon,
      yhat: 1,
      lower: 0.5,
      upper: 1.5,
      level: 0.8,
    });
    view.forecastRows.set(k, [row(last - 3_600_000, 1), row(last, 2)]);
    const app = createApp({ live: LiveView.of(view), keys: await KeyRing.fromFile(fx.keysPath) });
    const realNow = Date.now;
    // Half-way through the last stored candle: it is there, but still open.
    Date.now = () => last + 1_800_000;
    try {
      const res = await app.request("/api/v1/forecasts/history?symbol=BTC/USDT&timeframe=1h", {
        headers: { Authorization: `Bearer ${fx.key}` },
      });
      assert.equal(res.status, 200);
      const { points } = await res.json();
      assert.equal(points.length, 2);
      assert.equal(points[0].actual, s.close[s.ts.length - 2]);
      assert.equal(points[0].closes_at, new Date(last).toISOString());
      assert.equal(points[1].actual, null, "the open candle's close is not a realized price");
      assert.equal(points[1].closes_at, new Date(last + 3_600_000).toISOString());
    } finally {
      Date.now = realNow;
    }
  } finally {
    await Deno.remove(fx.dir, { recursive: true });
  }
});
