import assert from "node:assert/strict";
import { formatSeconds, type Progress, progressPrinter } from "./progress.ts";

const p = (fetched: number, done = false): Progress => ({
  exchange: "binance",
  symbol: "BTC/USDT",
  timeframe: "1h",
  fetched,
  expected: 1000,
  rate: 250,
  etaSeconds: (1000 - fetched) / 250,
  done,
});

Deno.test("progressPrinter() redraws one bar in place on a terminal", () => {
  let out = "";
  const print = progressPrinter({ tty: true, write: (s) => out += s, width: 10 });
  print(p(500));
  print(p(1000, true));
  const frames = out.split("\r").filter(Boolean);
  assert.equal(frames.length, 2);
  assert.match(
    frames[0],
    /binance BTC\/USDT 1h █████░░░░░ 500\/1000 candles \(50%\), 250\/s, ETA 2s$/,
  );
  assert.match(frames[1], /██████████ 1000\/1000 candles \(100%\), 250\/s\n$/);
});

Deno.test("progressPrinter() writes sparse plain lines when not a terminal", () => {
  const lines: string[] = [];
  let t = 0;
  const print = progressPrinter({ tty: false, write: (s) => lines.push(s), now: () => t });
  for (let i = 1; i <= 10; i++) {
    t = i * 1000;
    print(p(i * 90));
  }
  print(p(1000, true));
  assert.deepEqual(lines, [
    "binance BTC/USDT 1h 90/1000 candles (9%), 250/s, ETA 4s\n",
    "binance BTC/USDT 1h 540/1000 candles (54%), 250/s, ETA 2s\n",
    "binance BTC/USDT 1h 1000/1000 candles (100%), 250/s done\n",
  ]);
  assert.ok(lines.every((l) => !l.includes("\r") && !l.includes("\x1b")));
});

Deno.test("formatSeconds() reads as minutes and hours", () => {
  assert.equal(formatSeconds(9.6), "10s");
  assert.equal(formatSeconds(75), "1m15s");
  assert.equal(formatSeconds(3700), "1h01m");
});
