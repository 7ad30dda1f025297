import assert from "node:assert/strict";
import { formatTime, timeScale } from "../src/components/timezone.js";
import { pointsAt, shortVersion } from "../src/components/trackRecord.js";

Deno.test("formatTime: UTC by default, the reader's zone with its abbreviation when asked", () => {
  assert.equal(formatTime("2024-06-01T00:00:00.000Z"), "2024-06-01 00:00 UTC");
  assert.equal(formatTime(new Date(Date.UTC(2024, 0, 15, 12, 30))), "2024-01-15 12:30 UTC");
  // Summer and winter time in Paris: the offset follows the date, not today's.
  assert.equal(formatTime("2024-06-01T00:00:00Z", "Europe/Paris"), "2024-06-01 02:00 CEST");
  assert.equal(formatTime("2024-01-15T12:30:00Z", "Europe/Paris"), "2024-01-15 13:30 CET");
  // Crossing midnight moves the date.
  assert.equal(formatTime("2024-06-01T03:00:00Z", "America/New_York"), "2024-05-31 23:00 GMT-4");
  for (const bad of [null, undefined, "", "not a date"]) assert.equal(formatTime(bad), "—");
  assert.equal(timeScale("UTC"), "utc");
  assert.equal(timeScale("Europe/Paris"), "time");
});

Deno.test("pointsAt: one horizon's forecasts, oldest target first, judged against the 80% interval", () => {
  const points = {
    version_ids: ["v0", "v1"],
    version: [0, 0, 1, 1, 1],
    origin: [0, 0, 10, 10, 20],
    target: [30, 60, 40, 70, 50],
    horizon: [1, 2, 1, 2, 1],
    origin_close: [100, 100, 101, 101, 102],
    yhat: [100, 100, 101, 101, 102],
    lo80: [98, 97, 99, 98, 100],
    hi80: [102, 103, 103, 104, 104],
    actual: [102, 96, 98.5, null, 100],
  };
  const h1 = pointsAt(points, 1);
  assert.deepEqual(h1.map((r: { target: Date }) => +r.target), [30, 40, 50]);
  // Bounds count as inside; below the lower bound is a miss; no outcome is pending.
  assert.deepEqual(h1.map((r: { status: string }) => r.status), ["held", "missed", "held"]);
  assert.deepEqual(h1.map((r: { version: string }) => r.version), ["v0", "v1", "v1"]);
  const h2 = pointsAt(points, 2);
  assert.deepEqual(h2.map((r: { status: string }) => r.status), ["missed", "pending"]);
  assert.deepEqual(pointsAt(points, 3), []);
});

Deno.test("shortVersion keeps the part of a version id that tells versions apart", () => {
  assert.equal(
    shortVersion("xgboost-BTCUSDT-1h-20261124T195213-8ff595"),
    "20261124T195213-8ff595",
  );
  assert.equal(shortVersion("v-BTC-USDT-1h-xgboost-1"), "v-BTC-USDT-1h-xgboost-1");
});
