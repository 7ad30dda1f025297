import assert from "node:assert/strict";
import { openWarehouse } from "../../warehouse/db.ts";
import { fearGreedClass, fetchFearGreed } from "./fear_greed.ts";
import { ingestSignals } from "./store.ts";
import { startFakeFearGreed } from "./testdata/fake_fear_greed.ts";

const DAY = 86_400_000;
const FIRST = Date.UTC(2024, 0, 1);
const LAST = Date.UTC(2024, 11, 31);
const NOW = LAST + 6 * 3_600_000;

Deno.test("fetchFearGreed() reads the whole history (limit=0): market-wide daily values, point in time", async () => {
  const missing = [Date.UTC(2024, 9, 26)];
  const fake = startFakeFearGreed({ first: FIRST, last: LAST, missing });
  try {
    const r = await fetchFearGreed({ baseUrl: fake.url, now: NOW });
    assert.equal(fake.requests[0].params.limit, "0");
    assert.equal(r.rows.length, 366 - 1);
    assert.ok(r.rows.every((x) => x.symbol === null && x.name === "value" && x.ts % DAY === 0));
    for (const x of r.rows) assert.equal(x.value, fake.value(x.ts));
    const today = r.rows.find((x) => x.ts === LAST)!;
    assert.equal(today.available_at, NOW, "today's value: known when pulled");
    const older = r.rows.find((x) => x.ts === FIRST)!;
    assert.equal(older.available_at, FIRST + DAY, "a past day: known by its end");
    assert.equal(JSON.parse(today.raw).time_until_update, "43210");
  } finally {
    await fake.close();
  }
});

Deno.test("fetchFearGreed({ since }) asks only for the days needed, and a rerun stores nothing twice", async () => {
  const fake = startFakeFearGreed({ first: FIRST, last: LAST });
  const wh = await openWarehouse(":memory:");
  try {
    const since = LAST - 9 * DAY;
    const r = await fetchFearGreed({ baseUrl: fake.url, now: NOW, since });
    assert.equal(fake.requests[0].params.limit, "12");
    assert.deepEqual(
      r.rows.map((x) => x.ts).sort(),
      Array.from({ length: 10 }, (_, i) => since + i * DAY),
    );
    const a = await ingestSignals(wh, "fear-greed", r.rows, { now: NOW });
    const b = await ingestSignals(wh, "fear-greed", r.rows, { now: NOW });
    assert.deepEqual([a.rows_loaded, b.rows_loaded, b.rows_duplicate], [10, 0, 10]);
  } finally {
    wh.close();
    await fake.close();
  }
});

Deno.test("fetchFearGreed() waits out a 429's Retry-After; an error in metadata fails naming the request", async () => {
  const fake = startFakeFearGreed({
    first: FIRST,
    last: LAST,
    rateLimitAt: { at: 1, retryAfter: 3 },
  });
  const waits: number[] = [];
  try {
    const r = await fetchFearGreed({
      baseUrl: fake.url,
      now: NOW,
      http: { sleep: (ms) => (waits.push(ms), Promise.resolve()) },
    });
    assert.deepEqual(fake.requests.map((q) => q.status), [429, 200]);
    assert.deepEqual(waits, [3000]);
    assert.equal(r.rows.length, 366);
  } finally {
    await fake.close();
  }
  const bad = startFakeFearGreed({ first: FIRST, last: LAST, error: "Invalid limit" });
  try {
    await assert.rejects(
      () => fetchFearGreed({ baseUrl: bad.url, now: NOW }),
      /alternative\.me: \/fng\/\?limit=0&format=json answered an error: Invalid limit/,
    );
  } finally {
    await bad.close();
  }
});

Deno.test("fearGreedClass() follows alternative.me's classes", () => {
  assert.deepEqual(
    [0, 24, 25, 44, 45, 55, 56, 74, 75, 100].map(fearGreedClass),
    [
      "Extreme Fear",
      "Extreme Fear",
      "Fear",
      "Fear",
      "Neutral",
      "Neutral",
      "Greed",
      "Greed",
      "Extreme Greed",
      "Extreme Greed",
    ],
  );
});
