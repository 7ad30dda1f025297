import assert from "node:assert/strict";
import { requestOf, retryAfterMs, withBackoff } from "./_retry.ts";

Deno.test("retryAfterMs() reads seconds and HTTP dates", () => {
  const now = Date.UTC(2025, 0, 1, 12);
  assert.equal(retryAfterMs(new Headers({ "Retry-After": "1" }), now), 1000);
  assert.equal(retryAfterMs(new Headers({ "retry-after": "0.5" }), now), 500);
  assert.equal(
    retryAfterMs(new Headers({ "Retry-After": new Date(now + 3000).toUTCString() }), now),
    3000,
  );
  assert.equal(retryAfterMs(new Headers({ "Retry-After": "soon" }), now), undefined);
  assert.equal(retryAfterMs(undefined, now), undefined);
});

Deno.test("withBackoff() waits a failure's Retry-After instead of the backoff, then returns the value", async () => {
  const slept: number[] = [];
  const told: number[] = [];
  const r = await withBackoff(
    (attempt) => attempt < 3 ? Promise.reject(new Error(`try ${attempt}`)) : Promise.resolve("ok"),
    {
      baseDelayMs: 100,
      sleep: (ms) => (slept.push(ms), Promise.resolve()),
      random: () => 0,
      judge: (_err, attempt) => ({
        retryable: true,
        retryAfterMs: attempt === 1 ? 2500 : undefined,
      }),
      giveUp: (err) => err,
      onRetry: (_err, _f, waitMs, attempt) => told.push(attempt, waitMs),
    },
  );
  assert.deepEqual(r, { value: "ok", retries: 2 });
  assert.deepEqual(slept, [2500, 100]);
  assert.deepEqual(told, [1, 2500, 2, 100]);
});

Deno.test("withBackoff() gives up at once on a failure judged permanent, throwing what giveUp makes", async () => {
  let calls = 0;
  await assert.rejects(
    withBackoff(() => (calls++, Promise.reject(new Error("bad request"))), {
      judge: () => ({ retryable: false }),
      giveUp: (err, _f, attempt) => new RangeError(`${(err as Error).message} (${attempt})`),
    }),
    (e: Error) => e instanceof RangeError && e.message === "bad request (1)",
  );
  assert.equal(calls, 1);
});

Deno.test("requestOf() keeps a URL's path and query, never its host", () => {
  assert.equal(requestOf("https://h.example/fng/?limit=0"), "/fng/?limit=0");
  assert.equal(requestOf("not a url"), "not a url");
});
