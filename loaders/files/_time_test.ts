import assert from "node:assert/strict";
import fc from "fast-check";
import { epochToMs, parseDateTime } from "./_time.ts";

Deno.test("epochToMs() reads s, ms and µs by magnitude", () => {
  assert.equal(epochToMs(1502946000.0), 1502946000000);
  assert.equal(epochToMs(1623283200000), 1623283200000);
  assert.equal(epochToMs(1735689600000000), 1735689600000);
});

Deno.test("epochToMs() maps the same instant in any unit to the same ms (2001–2100)", () => {
  fc.assert(fc.property(fc.integer({ min: 1e9, max: 4.1e9 }), (sec) => {
    const ms = sec * 1000;
    return epochToMs(sec) === ms && epochToMs(ms) === ms && epochToMs(ms * 1000) === ms;
  }));
});

Deno.test("parseDateTime() reads the date shapes seen in candle files, as UTC", () => {
  const u = Date.UTC;
  assert.equal(parseDateTime("2024-01-02"), u(2024, 0, 2));
  assert.equal(parseDateTime("2024-01-02 03:04:05"), u(2024, 0, 2, 3, 4, 5));
  assert.equal(parseDateTime("2024-01-02T03:04:05.250Z"), u(2024, 0, 2, 3, 4, 5, 250));
  assert.equal(parseDateTime("2023-03-01 00:00:00+00:00"), u(2023, 2, 1));
  assert.equal(parseDateTime("2023-03-01 02:00:00+02:00"), u(2023, 2, 1));
  assert.equal(parseDateTime("2017-08-17 12-AM"), u(2017, 7, 17, 0));
  assert.equal(parseDateTime("2017-08-17 12-PM"), u(2017, 7, 17, 12));
  assert.equal(parseDateTime("2017-08-17 05-PM"), u(2017, 7, 17, 17));
  assert.equal(parseDateTime("5/31/2026"), u(2026, 4, 31));
  assert.equal(parseDateTime("12/1/2025 13:00"), u(2025, 11, 1, 13));
});

Deno.test("parseDateTime() refuses what is not a date (NaN)", () => {
  for (
    const s of ["", "29-04-13 23:59", "2023-02-30", "2023-13-01", "abc", "2024-01-01 25:00:00"]
  ) {
    assert.ok(Number.isNaN(parseDateTime(s)), s);
  }
});

Deno.test("parseDateTime() round-trips any ISO instant", () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 4102444800000 }), (ms) => {
    return parseDateTime(new Date(ms).toISOString()) === ms;
  }));
});
