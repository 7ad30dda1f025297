import assert from "node:assert/strict";
import { fetchTokenMetrics, MissingKeyError } from "./token_metrics.ts";
import { SignalSourceError } from "./http.ts";
import { FAKE_TM_KEY, startFakeTokenMetrics } from "./testdata/fake_token_metrics.ts";

const DAY = 86_400_000;
const FIRST = Date.UTC(2025, 0, 1);
const LAST = Date.UTC(2025, 3, 30); // 120 days × 2 tokens = 240 rows
const NOW = LAST + 10 * 3_600_000; // 10:00 on the last day

function noSleep() {
  const waits: number[] = [];
  return { waits, sleep: (ms: number) => (waits.push(ms), Promise.resolve()) };
}

Deno.test("fetchTokenMetrics() pages each 29-day window to its end and keeps every field of every row", async () => {
  const fake = startFakeTokenMetrics({ first: FIRST, last: LAST });
  try {
    const pages: string[] = [];
    const r = await fetchTokenMetrics({
      apiKey: FAKE_TM_KEY,
      baseUrl: fake.url,
      symbols: ["BTC/USDT", "ETH/USDT"],
      since: FIRST,
      now: NOW,
      pageSize: 25,
      onPage: (p) => pages.push(`${p.window}#${p.page}:${p.rows}`),
    });
    // 29 days × 2 tokens = 58 rows a window: pages of 25, 25, 8.
    assert.deepEqual(pages.slice(0, 3), [
      "2025-01-01..2025-01-29#1:25",
      "2025-01-01..2025-01-29#2:25",
      "2025-01-01..2025-01-29#3:8",
    ]);
    assert.ok(fake.requests.every((q) => q.key === FAKE_TM_KEY && q.params.symbol === "BTC,ETH"));
    const days = new Set(r.rows.map((x) => `${x.symbol} ${x.ts}`));
    assert.equal(days.size, 240, "every token and day");
    // Null grades give no value; everything else is kept, under lower-case names.
    let expected = 0;
    for (let d = FIRST; d <= LAST; d += DAY) {
      for (const t of ["BTC", "ETH"]) {
        const row = fake.row(t, d);
        expected += Object.keys(row).filter((k) =>
          /^(TRADING_SIGNAL|TOKEN_TREND|TM_TRADER_GRADE|TM_INVESTOR_GRADE|TRADING_SIGNALS_RETURNS|HOLDING_RETURNS)$/
            .test(k) && row[k] !== null
        ).length;
      }
    }
    assert.equal(r.rows.length, expected);
    assert.equal(r.rejects.length, 0);
    const one = r.rows.find((x) =>
      x.symbol === "ETH/USDT" && x.ts === FIRST + 10 * DAY &&
      x.name === "trading_signal"
    )!;
    assert.equal(one.value, fake.row("ETH", FIRST + 10 * DAY).TRADING_SIGNAL);
    assert.equal(one.available_at, FIRST + 11 * DAY, "a past day: known at its end");
    const raw = JSON.parse(one.raw);
    assert.ok(raw.TM_LINK ?? raw.tm_link, "the raw row keeps TM_LINK / tm_link");
    const today = r.rows.find((x) => x.ts === LAST)!;
    assert.equal(today.available_at, NOW, "today's value: known when pulled");
  } finally {
    await fake.close();
  }
});

Deno.test("fetchTokenMetrics() retries a 429 after its Retry-After and a 500 with backoff", async () => {
  const fake = startFakeTokenMetrics({
    first: FIRST,
    last: FIRST + 9 * DAY,
    rateLimitAt: { at: 1, retryAfter: 7 },
    serverErrorAt: 3,
  });
  const { waits, sleep } = noSleep();
  try {
    const r = await fetchTokenMetrics({
      apiKey: FAKE_TM_KEY,
      baseUrl: fake.url,
      symbols: ["BTC/USDT"],
      since: FIRST,
      until: FIRST + 9 * DAY,
      now: NOW,
      pageSize: 5,
      http: { sleep, baseDelayMs: 100, random: () => 0.5 },
    });
    assert.deepEqual(fake.requests.map((q) => q.status), [429, 200, 500, 200, 200]);
    assert.equal(waits[0], 7000, "Retry-After honoured");
    assert.equal(waits[1], 75, "backoff: half the base delay plus jitter");
    assert.equal(new Set(r.rows.map((x) => x.ts)).size, 10);
  } finally {
    await fake.close();
  }
});

Deno.test("fetchTokenMetrics(): a refused key says so, a missing key names TOKEN_METRICS_API_KEY", async () => {
  const fake = startFakeTokenMetrics({ first: FIRST, last: LAST });
  try {
    await assert.rejects(
      () =>
        fetchTokenMetrics({
          apiKey: "wrong",
          baseUrl: fake.url,
          symbols: ["BTC/USDT"],
          since: FIRST,
          now: NOW,
        }),
      (e) =>
        e instanceof SignalSourceError && e.status === 401 &&
        /refused the key in TOKEN_METRICS_API_KEY/.test(e.message) &&
        /Invalid API key/.test(e.message) && !e.message.includes("wrong"),
    );
    assert.equal(fake.requests.length, 1, "a 401 is not retried");
    await assert.rejects(
      () => fetchTokenMetrics({ apiKey: undefined, symbols: ["BTC/USDT"], since: FIRST }),
      (e) => e instanceof MissingKeyError && /TOKEN_METRICS_API_KEY/.test(e.message),
    );
  } finally {
    await fake.close();
  }
});

Deno.test("fetchTokenMetrics() stops when a server ignores `page` instead of looping", async () => {
  const fake = startFakeTokenMetrics({ first: FIRST, last: FIRST + 20 * DAY, ignorePage: true });
  try {
    const r = await fetchTokenMetrics({
      apiKey: FAKE_TM_KEY,
      baseUrl: fake.url,
      symbols: ["BTC/USDT"],
      since: FIRST,
      until: FIRST + 20 * DAY,
      now: NOW,
      pageSize: 10,
    });
    assert.equal(fake.requests.length, 2);
    assert.equal(new Set(r.rows.map((x) => x.ts)).size, 10);
  } finally {
    await fake.close();
  }
});

Deno.test("fetchTokenMetrics() gives up on a server that keeps failing, naming the request", async () => {
  const fake = startFakeTokenMetrics({ first: FIRST, last: LAST });
  const { sleep } = noSleep();
  try {
    await assert.rejects(
      () =>
        fetchTokenMetrics({
          apiKey: FAKE_TM_KEY,
          baseUrl: "http://127.0.0.1:9", // nothing listens there
          symbols: ["BTC/USDT"],
          since: FIRST,
          now: NOW,
          http: { sleep, attempts: 3 },
        }),
      (e) =>
        e instanceof SignalSourceError && /GET \/v2\/trading-signals\?symbol=BTC/.test(e.message) &&
        /after 3 attempts/.test(e.message),
    );
  } finally {
    await fake.close();
  }
});
