import assert from "node:assert/strict";
import { openWarehouse } from "../warehouse/db.ts";
import { bytesOf, ingestSeries } from "./store.ts";
import type { SourcedCandle } from "./validate.ts";

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);
const NOW = T0 + 100 * H;

function candle(i: number, over: Partial<SourcedCandle> = {}): SourcedCandle {
  const open = 100 + i;
  return {
    ts: T0 + i * H,
    open,
    high: open + 2,
    low: open - 1,
    close: open + 1,
    volume: 5,
    ref: `t.csv:${i + 2}`,
    ...over,
  };
}
const series = (
  rows: SourcedCandle[],
) => [{ exchange: "test", symbol: "BTC/USDT", timeframe: "1h" as const, rows }];

Deno.test("ingestSeries() accounts for every row: loaded + rejected + duplicate = read", async () => {
  const wh = await openWarehouse(":memory:");
  const rows = [
    candle(0),
    candle(1),
    candle(1), // identical repeat in the batch
    candle(2, { high: 50 }), // high below open
    candle(3, { close: NaN }),
    candle(4, { ts: T0 + 4 * H + 7 }), // not aligned
    candle(100), // still open at NOW
    candle(5, { volume: -1 }),
  ];
  const r = await ingestSeries(wh, "test", series(rows), { now: NOW });
  assert.equal(r.rows_read, 8);
  assert.equal(r.rows_loaded, 2);
  assert.equal(r.rows_duplicate, 1);
  assert.equal(r.rows_rejected, 5);
  const rejects = await wh.rows<{ source_ref: string; reason: string }>(
    "SELECT source_ref, reason FROM rejects ORDER BY source_ref",
  );
  assert.deepEqual(rejects.map((x) => x.source_ref), [
    "t.csv:102",
    "t.csv:4",
    "t.csv:5",
    "t.csv:6",
    "t.csv:7",
  ]);
  assert.match(rejects.find((x) => x.source_ref === "t.csv:4")!.reason, /high 50 is below/);
  assert.match(rejects.find((x) => x.source_ref === "t.csv:102")!.reason, /not closed yet/);
  const run = await wh.one<Record<string, number>>(
    "SELECT rows_read, rows_loaded, rows_rejected, rows_duplicate FROM ingest_runs",
  );
  assert.equal(run!.rows_read, run!.rows_loaded + run!.rows_rejected + run!.rows_duplicate);
  wh.close();
});

Deno.test("ingestSeries() is idempotent: the same rows again change nothing", async () => {
  const wh = await openWarehouse(":memory:");
  const rows = [candle(0), candle(1), candle(2)];
  await ingestSeries(wh, "test", series(rows), { now: NOW });
  const before = await wh.rows("SELECT * EXCLUDE (ingested_at) FROM ohlcv ORDER BY ts");
  const r = await ingestSeries(wh, "test", series(rows), { now: NOW });
  assert.equal(r.rows_loaded, 0);
  assert.equal(r.rows_duplicate, 3);
  assert.deepEqual(await wh.rows("SELECT * EXCLUDE (ingested_at) FROM ohlcv ORDER BY ts"), before);
  wh.close();
});

Deno.test("ingestSeries() lets a newer source win a conflict and keeps the old values in rejects", async () => {
  const wh = await openWarehouse(":memory:");
  await ingestSeries(wh, "test", series([candle(0)]), { now: NOW });
  const r = await ingestSeries(wh, "test", series([candle(0, { close: 100.5 })]), { now: NOW });
  assert.equal(r.rows_loaded, 1);
  assert.equal((await wh.one<{ close: number }>("SELECT close FROM ohlcv"))?.close, 100.5);
  const rej = await wh.one<{ reason: string; raw: string }>("SELECT reason, raw FROM rejects");
  assert.match(rej!.reason, /superseded/);
  assert.equal(JSON.parse(rej!.raw).old.close, 101);
  wh.close();
});

Deno.test("ingestSeries() leaves the warehouse as it was when a run fails, and records the failure", async () => {
  const wh = await openWarehouse(":memory:");
  await ingestSeries(wh, "test", series([candle(0)]), { now: NOW });
  const bad = [...series([candle(1), candle(2)]), {
    exchange: null as unknown as string, // violates NOT NULL after other rows were staged
    symbol: "ETH/USDT",
    timeframe: "1h" as const,
    rows: [candle(3)],
  }];
  await assert.rejects(() => ingestSeries(wh, "test", bad, { now: NOW }));
  assert.equal((await wh.one<{ n: number }>("SELECT count(*) AS n FROM ohlcv"))?.n, 1);
  const runs = await wh.rows<{ status: string; message: string }>(
    "SELECT status, message FROM ingest_runs ORDER BY started_at",
  );
  assert.deepEqual(runs.map((r) => r.status), ["ok", "failed"]);
  assert.match(runs[1].message, /nothing loaded/);
  wh.close();
});

Deno.test("coverage and gaps views show expected vs present candles and each gap", async () => {
  const wh = await openWarehouse(":memory:");
  await ingestSeries(wh, "test", series([candle(0), candle(1), candle(4), candle(5), candle(7)]), {
    now: NOW,
  });
  const gaps = await wh.rows<{ gap_start: string; gap_end: string; missing: number }>(
    "SELECT gap_start, gap_end, missing FROM gaps ORDER BY gap_start",
  );
  assert.deepEqual(gaps, [
    {
      gap_start: new Date(T0 + 2 * H).toISOString(),
      gap_end: new Date(T0 + 3 * H).toISOString(),
      missing: 2,
    },
    {
      gap_start: new Date(T0 + 6 * H).toISOString(),
      gap_end: new Date(T0 + 6 * H).toISOString(),
      missing: 1,
    },
  ]);
  const cov = await wh.one<Record<string, number>>(
    "SELECT present, expected, missing, gaps FROM coverage",
  );
  assert.deepEqual(cov, { present: 5, expected: 8, missing: 3, gaps: 2 });
  const m = await wh.one<Record<string, unknown>>("SELECT base, quote, candles FROM markets");
  assert.deepEqual(m, { base: "BTC", quote: "USDT", candles: 5 });
  wh.close();
});

Deno.test("the outliers view flags a many-sigma jump that reverts, and keeps the candle", async () => {
  const wh = await openWarehouse(":memory:");
  const rows = Array.from({ length: 80 }, (_, i) => {
    const base = 100 * (1 + 0.001 * Math.sin(i));
    const close = i === 60 ? base * 1.3 : base; // a spike at candle 60, gone at 61
    return {
      ...candle(i),
      open: base,
      close,
      high: Math.max(base, close) + 0.01,
      low: base - 0.01,
    };
  });
  const r = await ingestSeries(wh, "test", series(rows), { now: NOW });
  assert.equal(r.rows_loaded, 80, "flagged, not dropped");
  const flagged = await wh.rows<{ ts: string; z: number }>("SELECT ts, z FROM outliers");
  assert.deepEqual(flagged.map((f) => f.ts), [new Date(T0 + 60 * H).toISOString()]);
  assert.ok(flagged[0].z > 8);
  wh.close();
});

Deno.test("ingestSeries() accounting holds for any mix of good, bad, repeated and conflicting rows (property)", async () => {
  const fc = (await import("fast-check")).default;
  const wh = await openWarehouse(":memory:");
  const row = fc.record({
    i: fc.integer({ min: 0, max: 30 }),
    kind: fc.constantFrom("good", "good", "good", "badHigh", "nan", "open", "conflict"),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(row, { maxLength: 40 }), fc.boolean(), async (given, sorted) => {
      await wh.run("DELETE FROM ohlcv");
      // Sorted by time (as files come) takes the one-pass path when no time repeats.
      const spec = sorted ? [...given].sort((a, b) => a.i - b.i) : given;
      const rows = spec.map(({ i, kind }) =>
        kind === "badHigh"
          ? candle(i, { high: 1 })
          : kind === "nan"
          ? candle(i, { volume: NaN })
          : kind === "open"
          ? candle(100 + i)
          : kind === "conflict"
          ? candle(i, { close: 100 + i + 0.5 })
          : candle(i)
      );
      const r = await ingestSeries(wh, "prop", series(rows), { now: NOW });
      assert.equal(r.rows_read, rows.length);
      assert.equal(r.rows_read, r.rows_loaded + r.rows_rejected + r.rows_duplicate);
      const stored = (await wh.one<{ n: number }>("SELECT count(*) AS n FROM ohlcv"))!.n;
      const validTimes = new Set(
        spec.filter((s) => s.kind === "good" || s.kind === "conflict").map((s) => s.i),
      );
      assert.equal(stored, validTimes.size);
      assert.equal(r.rows_loaded, stored);
    }),
    { numRuns: 40 },
  );
  wh.close();
});

Deno.test("ingest keeps one row per candle over any sequence of runs; the newest row wins (property)", async () => {
  const fc = (await import("fast-check")).default;
  const wh = await openWarehouse(":memory:");
  const row = fc.record({
    market: fc.constantFrom("a", "b"),
    i: fc.integer({ min: 0, max: 12 }),
    delta: fc.constantFrom(0.5, 1, 1.5),
  });
  const batch = fc.record({
    rows: fc.array(row, { maxLength: 25 }),
    order: fc.constantFrom("as given", "ascending", "descending"),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(batch, { minLength: 1, maxLength: 4 }), async (runs) => {
      await wh.run("DELETE FROM ohlcv");
      const expected = new Map<string, number>();
      for (const run of runs) {
        const rows = [...run.rows];
        if (run.order !== "as given") {
          rows.sort((x, y) => (x.i - y.i) * (run.order === "ascending" ? 1 : -1));
        }
        const input = ["a", "b"].map((m) => ({
          exchange: m,
          symbol: "BTC/USDT",
          timeframe: "1h" as const,
          rows: rows.filter((r) => r.market === m).map((r) =>
            candle(r.i, { close: 100 + r.i + r.delta })
          ),
        }));
        const r = await ingestSeries(wh, "prop", input, { now: NOW });
        assert.equal(r.rows_read, r.rows_loaded + r.rows_rejected + r.rows_duplicate);
        for (const x of rows) expected.set(`${x.market} ${x.i}`, 100 + x.i + x.delta);
      }
      const stored = await wh.rows<{ exchange: string; ts: string; close: number; n: number }>(
        `SELECT exchange, ts, any_value(close) AS close, count(*) AS n FROM ohlcv GROUP BY ALL`,
      );
      assert.ok(stored.every((s) => s.n === 1), "one row per candle");
      assert.deepEqual(
        new Map(stored.map((s) => [`${s.exchange} ${(Date.parse(s.ts) - T0) / H}`, s.close])),
        expected,
      );
    }),
    { numRuns: 40 },
  );
  wh.close();
});

Deno.test("ingestSeries() on a file warehouse ingests under its memory budget and restores the setting", async () => {
  const dir = await Deno.makeTempDir();
  const wh = await openWarehouse(`${dir}/w.duckdb`);
  const limit = async () =>
    (await wh.one<{ m: string }>("SELECT current_setting('memory_limit') AS m"))!.m;
  const before = await limit();
  const r = await ingestSeries(wh, "t", series([candle(0), candle(1)]), { now: NOW });
  assert.equal(r.rows_loaded, 2);
  const back = bytesOf(await limit());
  assert.ok(Math.abs(back - bytesOf(before)) < 0.05 * bytesOf(before), `limit back: ${back}`);
  // Back in force, not only in name: a query needing far more than the ingest budget runs.
  const big = await wh.one<{ n: number }>(
    `SELECT count(*) AS n FROM (
       SELECT list(v) OVER (ORDER BY i ROWS BETWEEN 100 PRECEDING AND CURRENT ROW) AS l
       FROM (SELECT range AS i, random() AS v FROM range(3000000)))`,
  );
  assert.equal(big?.n, 3_000_000);
  await wh.run("SET memory_limit = '3GB'");
  await assert.rejects(() =>
    ingestSeries(wh, "t", [{ ...series([])[0], timeframe: "7s" as "1h" }], { now: NOW })
  );
  const after = bytesOf(await limit());
  assert.ok(Math.abs(after - 3e9) < 0.05 * 3e9, `a set limit is back after a failed run: ${after}`);
  wh.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("bytesOf() reads DuckDB sizes", () => {
  assert.equal(bytesOf("128MB"), 128e6);
  assert.equal(bytesOf("18.8 GiB"), 18.8 * 1024 ** 3);
  assert.equal(bytesOf("512 bytes"), 512);
  assert.ok(Number.isNaN(bytesOf("lots")));
});

Deno.test("ingestSeries() keeps one row per stored candle when times differ below the millisecond", async () => {
  const wh = await openWarehouse(":memory:");
  const W = 7 * 24 * H, t = Date.UTC(2024, 0, 1);
  const week = (ts: number, close: number) => ({
    ts,
    open: 100,
    high: 110,
    low: 90,
    close,
    volume: 1,
    ref: `w${ts}`,
  });
  const input = (
    rows: SourcedCandle[],
  ) => [{ exchange: "x", symbol: "A/B", timeframe: "1w" as const, rows }];
  await ingestSeries(wh, "t", input([week(t + 0.4, 101), week(t + W, 101)]), { now: t + 10 * W });
  const r = await ingestSeries(wh, "t", input([week(t, 102), week(t + W - 0.3, 101)]), {
    now: t + 10 * W,
  });
  assert.deepEqual([r.rows_loaded, r.rows_duplicate], [1, 1], "replaced, and identical");
  const rows = await wh.rows<{ n: number; close: number }>(
    "SELECT count(*) AS n, max(close) AS close FROM ohlcv GROUP BY ts ORDER BY ts",
  );
  assert.deepEqual(rows.map((x) => [x.n, x.close]), [[1, 102], [1, 101]]);
  wh.close();
});

Deno.test("ingestStaged() run killed mid-way shows as interrupted in ingest_runs on the next run", async () => {
  const dir = await Deno.makeTempDir({ prefix: "prevision-killed-ingest-" });
  try {
    const path = `${dir}/w.duckdb`;
    const child = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./testdata/killed_ingest.ts", import.meta.url).pathname, path],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(child.signal, "SIGKILL", new TextDecoder().decode(child.stderr));
    const wh = await openWarehouse(path);
    const r = await ingestSeries(wh, "sample", series([candle(0), candle(1)]), { now: NOW });
    const runs = await wh.rows<Record<string, unknown>>(
      `SELECT run_id, status, rows_read, rows_loaded, rows_rejected, rows_duplicate, message,
              finished_at IS NOT NULL AS finished
       FROM ingest_runs ORDER BY started_at`,
    );
    wh.close();
    assert.equal(runs.length, 2);
    const [killed, next] = runs;
    assert.equal(killed.status, "interrupted");
    assert.match(String(killed.message), new RegExp(`interrupted.*noticed by run ${r.run_id}`));
    assert.deepEqual(
      [killed.rows_read, killed.rows_loaded, killed.rows_rejected, killed.rows_duplicate],
      [0, 0, 0, 0],
    );
    assert.equal(killed.finished, true);
    assert.deepEqual([next.status, next.rows_read, next.rows_loaded], ["ok", 2, 2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
