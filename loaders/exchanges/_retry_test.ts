import assert from "node:assert/strict";
import ccxt from "ccxt";
import { ExchangeError, isRetryable, withRetry } from "./_retry.ts";

Deno.test("isRetryable() retries rate limits, 5xx and network errors, not bad requests", () => {
  assert.ok(isRetryable(new Error("x"), 429));
  assert.ok(isRetryable(new Error("x"), 503));
  assert.ok(isRetryable(new ccxt.RequestTimeout("t")));
  assert.ok(isRetryable(new ccxt.RateLimitExceeded("r")));
  assert.ok(isRetryable(new ccxt.ExchangeNotAvailable("n")));
  assert.ok(!isRetryable(new ccxt.BadSymbol("b"), 400));
  assert.ok(!isRetryable(new Error("x"), 404));
});

Deno.test("withRetry() backs off exponentially with jitter, then gives up naming the request", async () => {
  const slept: number[] = [];
  let calls = 0;
  const err = await withRetry(
    () => {
      calls++;
      return Promise.reject(new ccxt.ExchangeNotAvailable("binance down"));
    },
    "binance BTC/USDT 1h",
    {
      attempts: 4,
      baseDelayMs: 100,
      sleep: (ms) => (slept.push(ms), Promise.resolve()),
      random: () => 1 - 1e-9,
      last: () => ({ url: "http://127.0.0.1:1/api/v3/klines?symbol=BTCUSDT", status: 503 }),
    },
  ).then(() => undefined, (e) => e);
  assert.equal(calls, 4);
  assert.deepEqual(slept, [100, 200, 400]);
  assert.ok(err instanceof ExchangeError);
  assert.equal(err.status, 503);
  assert.equal(err.retryable, true);
  assert.equal(
    err.message.split(": HTTP")[0],
    "binance BTC/USDT 1h: GET /api/v3/klines?symbol=BTCUSDT failed after 4 attempts",
  );
});

Deno.test("withRetry() fails at once on an error that will not go away", async () => {
  let calls = 0;
  await assert.rejects(
    withRetry(
      () => (calls++, Promise.reject(new ccxt.BadSymbol("no such market"))),
      "kraken X/Y 1h",
      {
        last: () => ({ url: "http://h/0/public/OHLC?pair=XY", status: 400 }),
      },
    ),
    (e: ExchangeError) => e.retryable === false && e.attempts === 1 && /BadSymbol/.test(e.message),
  );
  assert.equal(calls, 1);
});
