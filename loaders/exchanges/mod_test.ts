import assert from "node:assert/strict";
import { openWarehouse, type Warehouse } from "../../warehouse/db.ts";
import { ExchangeError, type ExchangeIngestOptions, ingestExchange, type Progress } from "./mod.ts";
import { type FakeBinanceOptions, startFakeBinance } from "./testdata/fake_binance.ts";

const H = 3_600_000;
// 05:30: the 05:00 candle is still open; the last closed one opens at 04:00.
const NOW = Date.UTC(2025, 0, 10, 5, 30);
const LAST_CLOSED = Date.UTC(2025, 0, 10, 4);

/** Runs `fn` against a fresh warehouse and a stand-in started with `fake`. */
async function withFake(
  fake: Partial<FakeBinanceOptions>,
  fn: (
    wh: Warehouse,
    run: (o?: Partial<ExchangeIngestOptions>) => ReturnType<typeof ingestExchange>,
    server: ReturnType<typeof startFakeBinance>,
  ) => Promise<void>,
): Promise<void> {
  const server = startFakeBinance({ now: NOW, ...fake });
  const wh = await openWarehouse(":memory:");
  const delays: number[] = [];
  const run = (o: Partial<ExchangeIngestOptions> = {}) =>
    ingestExchange(wh, {
      exchange: "binance",
      symbols: ["BTC/USDT"],
      timeframes: ["1h"],
      now: NOW,
      baseUrl: server.url,
      pageLimit: 100,
      retry: { sleep: (ms) => (delays.push(ms), Promise.resolve()), random: () => 0.5 },
      ...o,
    });
  try {
    await fn(wh, run, server);
  } finally {
    wh.close();
    await server.close();
  }
}

async function count(wh: Warehouse, sql: string, params: (string | number)[] = []) {
  return Number((await wh.one<{ n: number }>(sql, params))!.n);
}

Deno.test("ingestExchange() pages through a range with fetchOHLCV and drops the open candle", async () => {
  await withFake({}, async (wh, run, server) => {
    const pages: Progress[] = [];
    const since = LAST_CLOSED - 249 * H; // 250 closed candles: 3 pages of 100
    const r = await run({ since, progress: (p) => pages.push(p) });
    assert.equal(r.status, "ok");
    assert.equal(r.rows_loaded, 250);
    assert.equal(r.rows_read, 250);
    const k = server.klines();
    assert.equal(k.length, 3);
    assert.deepEqual(k.map((q) => Number(q.params.startTime)), [
      since,
      since + 100 * H,
      since + 200 * H,
    ]);
    assert.deepEqual(k.map((q) => q.params.limit), ["100", "100", "50"]);
    assert.equal(r.requests, 4, "exchangeInfo + 3 klines pages");
    const span = await wh.one<{ lo: number; hi: number }>(
      "SELECT epoch_ms(min(ts)) AS lo, epoch_ms(max(ts)) AS hi FROM ohlcv WHERE symbol = 'BTC/USDT'",
    );
    assert.equal(Number(span!.lo), since);
    assert.equal(Number(span!.hi), LAST_CLOSED, "the candle open at NOW is not stored");
    assert.equal(await count(wh, "SELECT count(*) AS n FROM rejects"), 0, "dropped, not rejected");
    // Values are the stand-in's, parsed from strings.
    const first = await wh.one<{ open: number; volume: number }>(
      "SELECT open, volume FROM ohlcv ORDER BY ts LIMIT 1",
    );
    const raw = server.candle("BTCUSDT", since);
    assert.equal(first!.open, Number(raw[1]));
    assert.equal(first!.volume, Number(raw[5]));
    // Progress per page, then once at the end.
    assert.deepEqual(pages.map((p) => p.fetched), [100, 200, 250, 250]);
    assert.ok(pages.every((p) => p.expected === 250 && p.exchange === "binance"));
    assert.equal(pages.at(-1)!.done, true);
  });
});

Deno.test("ingestExchange() records each row's request as its ref and accounts for every row", async () => {
  const bad = LAST_CLOSED - 10 * H;
  await withFake({ badRowAt: bad }, async (wh, run) => {
    const r = await run({ since: LAST_CLOSED - 49 * H, symbols: ["BTC/USDT", "ETH/USDT"] });
    assert.equal(r.rows_read, 100);
    assert.equal(r.rows_rejected, 2);
    assert.equal(r.rows_read, r.rows_loaded + r.rows_rejected + r.rows_duplicate);
    const rejects = await wh.rows<{ source_ref: string; reason: string }>(
      "SELECT source_ref, reason FROM rejects ORDER BY source_ref",
    );
    assert.equal(rejects.length, 2);
    assert.match(
      rejects[0].source_ref,
      /^binance GET \/api\/v3\/klines\?interval=1h&limit=50&symbol=BTCUSDT&startTime=\d+ \[row 40\]$/,
    );
    assert.match(rejects[0].reason, /high .* is below/);
    const run_ = await wh.one<Record<string, number>>(
      "SELECT rows_read, rows_loaded, rows_rejected, rows_duplicate FROM ingest_runs",
    );
    assert.equal(run_!.rows_read, run_!.rows_loaded + run_!.rows_rejected + run_!.rows_duplicate);
  });
});

Deno.test("ingestExchange() is idempotent: the same range again loads nothing new", async () => {
  await withFake({}, async (wh, run) => {
    const since = LAST_CLOSED - 149 * H;
    const first = await run({ since, timeframes: ["1h", "1d"] });
    const second = await run({ since, timeframes: ["1h", "1d"] });
    assert.ok(first.rows_loaded > 150);
    assert.equal(second.rows_loaded, 0);
    assert.equal(second.rows_duplicate, first.rows_loaded);
    assert.equal(await count(wh, "SELECT count(*) AS n FROM ohlcv"), first.rows_loaded);
    assert.equal(await count(wh, "SELECT count(*) AS n FROM ingest_runs WHERE status = 'ok'"), 2);
  });
});

Deno.test("ingestExchange() resumes after the last stored candle of each series", async () => {
  await withFake({}, async (wh, run, server) => {
    const earlier = NOW - 10 * H;
    await run({ since: LAST_CLOSED - 59 * H, now: earlier });
    const stored = await count(wh, "SELECT count(*) AS n FROM ohlcv");
    assert.equal(stored, 50);
    const before = server.klines().length;
    const r = await run();
    assert.equal(r.rows_loaded, 10);
    assert.equal(r.rows_duplicate, 0);
    assert.equal(r.series[0].from, "resume");
    const asked = server.klines().slice(before);
    assert.equal(Number(asked[0].params.startTime), LAST_CLOSED - 9 * H);
    // Nothing new: no klines request at all, and an empty accounted run.
    const n = server.klines().length;
    const again = await run();
    assert.equal(server.klines().length, n);
    assert.equal(again.rows_read, 0);
    assert.equal(again.series[0].start, null);
  });
});

Deno.test("ingestExchange() starts 30 days back when nothing is stored, and says so", async () => {
  await withFake({}, async (wh, run) => {
    const r = await run({ timeframes: ["1d"] });
    assert.equal(r.series[0].from, "default");
    assert.equal(r.rows_loaded, 30);
    const params = await wh.one<{ p: string }>("SELECT params::VARCHAR AS p FROM ingest_runs");
    assert.match(params!.p, /started 30 days back/);
  });
});

Deno.test("ingestExchange() retries a 429 after Retry-After and a 500 after backoff, and counts them", async () => {
  await withFake(
    { rateLimitOnce: { at: 1, retryAfter: 1 }, serverErrorOnce: { at: 3 } },
    async (wh, run, server) => {
      const slept: number[] = [];
      const r = await run({
        since: LAST_CLOSED - 149 * H,
        retry: {
          sleep: (ms) => (slept.push(ms), Promise.resolve()),
          random: () => 0.5,
          baseDelayMs: 100,
        },
      });
      assert.equal(r.retries, 2);
      assert.equal(r.rows_loaded, 150);
      assert.deepEqual(server.klines().map((q) => q.status), [429, 200, 500, 200]);
      assert.equal(r.requests, 5);
      assert.equal(slept[0], 1000, "Retry-After: 1 is honoured");
      assert.ok(slept[1] >= 50 && slept[1] <= 100, `backoff with jitter, got ${slept[1]}`);
      assert.equal(await count(wh, "SELECT count(*) AS n FROM ohlcv"), 150);
    },
  );
});

Deno.test("ingestExchange() gives up with an ExchangeError and leaves the warehouse unchanged", async () => {
  // The first series loads fine, the second fails: nothing at all is loaded.
  await withFake({ failFrom: 3 }, async (wh, run, server) => {
    const err = await run({ since: LAST_CLOSED - 199 * H, symbols: ["BTC/USDT", "ETH/USDT"] })
      .then(() => undefined, (e) => e);
    assert.ok(err instanceof ExchangeError, String(err));
    assert.equal(err.retryable, true);
    assert.equal(err.status, 500);
    assert.equal(err.attempts, 5);
    assert.match(
      err.message,
      /^binance ETH\/USDT 1h: GET \/api\/v3\/klines\?.*symbol=ETHUSDT.* after 5 attempts/,
    );
    assert.match(err.request, /^GET \/api\/v3\/klines\?/);
    assert.equal(server.klines().length, 2 + 5);
    assert.equal(await count(wh, "SELECT count(*) AS n FROM ohlcv"), 0);
    assert.equal(await count(wh, "SELECT count(*) AS n FROM ingest_runs"), 0);
  });
});

Deno.test("ingestExchange() re-requests a gap once and loads it when it comes back", async () => {
  const gap = { start: LAST_CLOSED - 30 * H, end: LAST_CLOSED - 25 * H };
  await withFake({ gaps: [gap] }, async (wh, run, server) => {
    const r = await run({ since: LAST_CLOSED - 99 * H });
    assert.equal(r.gapsRefetched, 1);
    assert.equal(r.gapsRemaining, 0);
    assert.equal(r.rows_loaded, 100);
    const again = server.klines().filter((q) => Number(q.params.startTime) === gap.start);
    assert.equal(again.length, 1);
    assert.equal(again[0].params.limit, "5");
    assert.equal(await count(wh, "SELECT count(*) AS n FROM ohlcv"), 100);
  });
});

Deno.test("ingestExchange() reports a gap that is still missing and leaves it absent", async () => {
  const gap = { start: LAST_CLOSED - 30 * H, end: LAST_CLOSED - 25 * H, fillOnRetry: false };
  await withFake({ gaps: [gap] }, async (wh, run, server) => {
    const r = await run({ since: LAST_CLOSED - 99 * H });
    assert.equal(r.gapsRefetched, 1);
    assert.equal(r.gapsRemaining, 1);
    assert.equal(r.series[0].candlesMissing, 5);
    assert.equal(r.rows_loaded, 95);
    assert.equal(r.rows_read, r.rows_loaded + r.rows_rejected + r.rows_duplicate);
    assert.match(r.message, /1 gaps \(5 candles\) still missing/);
    assert.equal(server.klines().filter((q) => Number(q.params.startTime) === gap.start).length, 1);
    assert.equal(
      await count(
        wh,
        "SELECT count(*) AS n FROM ohlcv WHERE epoch_ms(ts) >= ? AND epoch_ms(ts) < ?",
        [
          gap.start,
          gap.end,
        ],
      ),
      0,
    );
  });
});

Deno.test("ingestExchange() rejects an unknown exchange id, naming valid ones", async () => {
  const wh = await openWarehouse(":memory:");
  try {
    await assert.rejects(
      ingestExchange(wh, { exchange: "binanse", symbols: ["BTC/USDT"], timeframes: ["1h"] }),
      (e: Error) =>
        e instanceof RangeError && /Unknown exchange "binanse".*binance/.test(e.message),
    );
  } finally {
    wh.close();
  }
});

Deno.test("ingestExchange() rejects a symbol the exchange does not list", async () => {
  await withFake({}, async (_wh, run) => {
    await assert.rejects(
      run({ symbols: ["BTC/EUR"] }),
      /binance has no market "BTC\/EUR"; it has e\.g\. BTC\/USDT/,
    );
  });
});

Deno.test("ingestExchange() takes the host from PREVISION_EXCHANGE_BASE_URL", async () => {
  await withFake({}, async (_wh, run, server) => {
    Deno.env.set("PREVISION_EXCHANGE_BASE_URL", server.url);
    try {
      const r = await run({ baseUrl: undefined, since: LAST_CLOSED - 9 * H });
      assert.equal(r.rows_loaded, 10);
      assert.equal(server.requests[0].path, "/api/v3/exchangeInfo");
    } finally {
      Deno.env.delete("PREVISION_EXCHANGE_BASE_URL");
    }
  });
});

Deno.test("ingestExchange() retries a request that timed out", async () => {
  await withFake({ stallOnce: { at: 1, ms: 600 } }, async (_wh, run, server) => {
    const r = await run({ since: LAST_CLOSED - 9 * H, timeoutMs: 200 });
    assert.equal(r.retries, 1);
    assert.equal(r.rows_loaded, 10);
    assert.equal(server.klines().length, 2);
  });
});
