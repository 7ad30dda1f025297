import assert from "node:assert/strict";
import { openWarehouse, type Warehouse } from "../../warehouse/db.ts";
import { formatLedger, type LedgerRow, loadLedger, scoreLedger } from "./ledger.ts";

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "");
const T0 = Date.UTC(2024, 0, 1);
const at = (h: number) => iso(T0 + h * HOUR);

async function candle(wh: Warehouse, ts: string, close: number): Promise<void> {
  await wh.run(
    `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume)
     VALUES ('x', 'A/B', '1h', ?::TIMESTAMP, ?, ?, ?, ?, 1)`,
    [ts, close, close, close, close],
  );
}

/** Writes one forecast point at the 50/80/95% levels (`bounds` are the 80% ones). */
async function forecast(
  wh: Warehouse,
  version: string,
  issued: string,
  origin: string,
  h: number,
  yhat: number,
  bounds: [number, number],
): Promise<void> {
  const [lo, hi] = bounds;
  const target = iso(Date.parse(origin + "Z") + h * HOUR);
  for (
    const [level, l, u] of [[0.5, yhat - 1, yhat + 1], [0.8, lo, hi], [0.95, lo - 50, hi + 50]]
  ) {
    await wh.run(
      `INSERT INTO forecasts (version_id, exchange, symbol, timeframe, issued_at, origin_ts, ts,
         horizon, yhat, lower, upper, level)
       VALUES (?, 'x', 'A/B', '1h', ?::TIMESTAMP, ?::TIMESTAMP, ?::TIMESTAMP, ?, ?, ?, ?, ?)`,
      [version, issued, origin, target, h, yhat, l, u, level],
    );
  }
}

/**
 * Closes 100, 110, 99, 100 at 00:00–03:00 on 2024-01-01, none at 04:00, 101 at
 * 05:00; then the candle before this hour and this hour's (still open) one.
 */
async function tiny(): Promise<{ wh: Warehouse; open: string }> {
  // This hour's candle must stay open for the whole test: start afresh near the hour's end.
  const left = HOUR - Date.now() % HOUR;
  if (left < 15_000) await new Promise((r) => setTimeout(r, left + 100));
  const wh = await openWarehouse(":memory:");
  for (const [h, c] of [[0, 100], [1, 110], [2, 99], [3, 100], [5, 101]]) {
    await candle(wh, at(h), c);
  }
  const open = Math.floor(Date.now() / HOUR) * HOUR;
  await candle(wh, iso(open - HOUR), 200);
  await candle(wh, iso(open), 999); // partial: its close is not known yet
  await wh.run(
    `INSERT INTO model_versions (version_id, run_id, model, exchange, symbol, timeframe,
       artifact_path, artifact_sha256, created_at)
     VALUES ('xgb-1', 'r1', 'xgboost', 'x', 'A/B', '1h', 'a', 's', '2024-01-01'),
            ('naive-1', 'r0', 'naive', 'x', 'A/B', '1h', 'a', 's', '2024-01-01')`,
  );
  // xgb-1 from 00:00 (close 100) and from 01:00 (close 110), horizons 1 and 2.
  await forecast(wh, "xgb-1", at(0.1), at(0), 1, 105, [95, 108]);
  await forecast(wh, "xgb-1", at(0.1), at(0), 2, 102, [90, 115]);
  await forecast(wh, "xgb-1", at(1.1), at(1), 1, 108, [100, 120]);
  await forecast(wh, "xgb-1", at(1.1), at(1), 2, 111, [100, 120]);
  // The same forecast issued again (forecast ran twice without a new candle): counted once.
  await forecast(wh, "xgb-1", at(0.5), at(0), 1, 105, [95, 108]);
  // Issued at 05:30 from 02:00: its 03:00 target had closed at 04:00, before the issue.
  await forecast(wh, "xgb-1", at(5.5), at(2), 1, 100.5, [99, 102]);
  // Targets 04:00 (a gap: later candles are stored), this hour (not closed) and 2099.
  await forecast(wh, "xgb-1", at(3.1), at(3), 1, 100, [90, 110]);
  await forecast(wh, "xgb-1", iso(open), iso(open - HOUR), 1, 201, [190, 210]);
  await forecast(wh, "xgb-1", iso(open), "2098-12-31T23:00:00", 1, 201, [190, 210]);
  // No change from 00:00 and 01:00.
  await forecast(wh, "naive-1", at(0.1), at(0), 1, 100, [90, 110]);
  await forecast(wh, "naive-1", at(1.1), at(1), 1, 110, [100, 120]);
  return { wh, open: iso(open) };
}

const near = (a: number, b: number, msg?: string) =>
  assert.ok(Math.abs(a - b) < 1e-12, `${msg ?? ""} ${a} ≠ ${b}`);

Deno.test("forecast_ledger view joins each forecast to the close of its closed target candle", async () => {
  const { wh, open } = await tiny();
  const rows = await wh.rows<Record<string, unknown>>(
    `SELECT * FROM forecast_ledger WHERE version_id = 'xgb-1' ORDER BY issued_at, horizon`,
  );
  assert.equal(rows.length, 9, "one row per forecast point, levels side by side");
  const first = rows[0];
  assert.equal(first.model, "xgboost");
  assert.equal(first.status, "scored");
  assert.equal(first.reissue, false);
  assert.equal(first.origin_close, 100);
  assert.equal(first.realized, 110);
  assert.equal(first.closes_at, "2024-01-01T02:00:00.000Z");
  assert.deepEqual([first.lower_80, first.upper_80, first.lower_50, first.upper_95], [
    95,
    108,
    104,
    158,
  ]);
  near(first.error_return as number, Math.log(105 / 110));
  near(first.error_price as number, -5);
  near(first.ape as number, 5 / 110);
  near(first.naive_error_return as number, Math.log(100 / 110));
  near(first.naive_error_price as number, -10);
  near(first.naive_ape as number, 10 / 110);
  assert.deepEqual([first.covered_50, first.covered_80, first.covered_95], [false, false, true]);
  // Bounds are inclusive: 100 is inside [100, 120].
  const edge = rows.find((r) => r.origin_ts === "2024-01-01T01:00:00.000Z" && r.horizon === 2)!;
  assert.equal(edge.covered_80, true);
  // The repeat is marked, not dropped.
  assert.deepEqual(rows.filter((r) => r.reissue).map((r) => r.issued_at), [
    "2024-01-01T00:30:00.000Z",
  ]);
  const status = (ts: string) => rows.find((r) => r.ts === ts)!;
  const gap = status("2024-01-01T04:00:00.000Z");
  assert.equal(gap.status, "missing");
  assert.equal(gap.realized, null);
  // This hour's candle is stored but still open: not realized, the forecast waits.
  const partial = status(open.replace(/(\.\d+)?$/, ".000Z"));
  assert.equal(partial.status, "pending");
  assert.equal(partial.realized, null);
  assert.equal(partial.error_return, null);
  assert.equal(partial.covered_80, null);
  assert.equal(status("2099-01-01T00:00:00.000Z").status, "pending");
  // Issued after its target had closed: late, whatever happened (here 100, inside [99, 102]).
  const late = rows.find((r) => r.issued_at === "2024-01-01T05:30:00.000Z")!;
  assert.equal(late.status, "late");
  assert.equal(late.realized, 100);
  assert.equal(late.covered_80, true);
  assert.deepEqual(rows.filter((r) => r.status === "late"), [late]);
  wh.close();
});

Deno.test("scoreLedger() scores per version and horizon against no change on the same forecasts", async () => {
  const { wh } = await tiny();
  const byH = scoreLedger(await loadLedger(wh));
  const get = (v: string, h: number) => byH.find((s) => s.version_id === v && s.horizon === h)!;
  const h1 = get("xgb-1", 1), h2 = get("xgb-1", 2);
  // h=1: from 100 → 110 (called 105) and from 110 → 99 (called 108); the repeat counts once.
  assert.equal(h1.n, 2);
  // Not yet closed (this hour's and 2099's); the 04:00 gap is missing, not pending.
  assert.equal(h1.pending, 2);
  assert.equal(h1.missing, 1);
  // Issued from 02:00 after 03:00 had closed: counted as late, left out of every figure.
  assert.equal(h1.late, 1);
  const mae1 = (Math.log(110 / 105) + Math.log(108 / 99)) / 2; // 0.066766
  const naive1 = (Math.log(110 / 100) + Math.log(110 / 99)) / 2; // 0.100335
  near(h1.mae, mae1);
  near(h1.mase, mae1 / naive1);
  assert.equal(h1.mase.toFixed(4), "0.6654");
  near(h1.mape, 100 * (5 / 110 + 9 / 99) / 2);
  assert.equal(h1.dirAcc, 1, "up called up, down called down");
  assert.equal(h1.coverage80, 0, "110 above [95, 108], 99 below [100, 120]");
  // h=2: from 100 → 99 (called 102) and from 110 → 100 (called 111).
  assert.equal(h2.n, 2);
  assert.equal(h2.pending, 0);
  near(h2.mae, (Math.log(102 / 99) + Math.log(111 / 100)) / 2);
  near(h2.mase, (Math.log(102 / 99) + Math.log(111 / 100)) / (Math.log(100 / 99) + Math.log(1.1)));
  assert.equal(h2.dirAcc, 0, "both called up, both went down");
  assert.equal(h2.coverage80, 1);
  // No change is its own baseline, and calls no direction.
  const n1 = get("naive-1", 1);
  assert.equal(n1.model, "naive");
  assert.deepEqual([n1.n, n1.mase, n1.dirAcc], [2, 1, NaN]);

  const pooled = scoreLedger(await loadLedger(wh), { pooled: true });
  const x = pooled.find((s) => s.version_id === "xgb-1")!;
  assert.equal(x.horizon, null);
  assert.deepEqual([x.n, x.pending, x.missing, x.late], [4, 2, 1, 1]);
  near(
    x.mase,
    (Math.log(110 / 105) + Math.log(108 / 99) + Math.log(102 / 99) + Math.log(111 / 100)) /
      (Math.log(1.1) + Math.log(110 / 99) + Math.log(100 / 99) + Math.log(1.1)),
  );
  assert.equal(x.dirAcc, 0.5);
  assert.equal(x.coverage80, 0.5);
  // The most recently issued version only (xgb-1 issued this hour).
  const latest = await loadLedger(wh, { versionsPerSeries: 1 });
  assert.deepEqual([...new Set(latest.map((r) => r.version_id))], ["xgb-1"]);
  assert.equal(
    (await loadLedger(wh, { versionsPerSeries: 2 })).length,
    (await loadLedger(wh)).length,
  );
  assert.deepEqual(formatLedger(pooled, { perSeries: 1 }).slice(1), [
    '  ledger: 1 older version(s) not shown; see deno task sql "SELECT * FROM forecast_ledger"',
  ]);
  const lines = formatLedger(pooled);
  assert.equal(lines.length, 2);
  assert.match(
    lines[0],
    /^ {2}ledger A\/B 1h xgb-1: 4 scored: MAE 0\.\d{4}, MASE 0\.\d{3} vs no change, .*direction 50\.0%, 80% coverage 50\.0% \(2 pending, 1 missing, 1 late\)$/,
  );
  assert.match(lines[1], /ledger A\/B 1h naive-1: 2 scored: .*MASE 1\.000 .*direction n\/a/);
  wh.close();
});

Deno.test("scoreLedger() leaves a version with only pending and late forecasts unscored", () => {
  const row = (o: Partial<LedgerRow>): LedgerRow => ({
    exchange: "x",
    symbol: "A/B",
    timeframe: "1d",
    version_id: "v",
    model: "drift",
    issued_at: "2024-01-01T00:00:00.000Z",
    horizon: 1,
    status: "pending",
    reissue: false,
    yhat_return: 0.01,
    realized_return: null,
    error_return: null,
    naive_error_return: null,
    ape: null,
    covered_80: null,
    ...o,
  });
  // A late one carries what happened, and is still not scored.
  const late = row({
    horizon: 3,
    status: "late",
    realized_return: 0.02,
    error_return: -0.01,
    naive_error_return: -0.02,
    ape: 0.01,
    covered_80: true,
  });
  const [s] = scoreLedger([row({}), row({ horizon: 2 }), late], { pooled: true });
  assert.deepEqual([s.n, s.pending, s.late, s.mae, s.mase, s.coverage80], [
    0,
    2,
    1,
    NaN,
    NaN,
    NaN,
  ]);
  assert.deepEqual(formatLedger([s]), ["  ledger A/B 1d v: none scored yet (2 pending, 1 late)"]);
  assert.deepEqual(scoreLedger([]), []);
});
