/**
 * The forecast ledger: past forecasts scored against what happened.
 *
 * The warehouse view `forecast_ledger` (migrations 5 and 6) joins every
 * issued forecast to the close of its target candle once that candle has
 * closed, with the naive ("no change") error beside it. {@link scoreLedger}
 * turns its rows into figures per series, model version and horizon (or
 * pooled over horizons): how many were scored, MAE of the log return, MASE
 * against "no change" on the same forecasts, directional accuracy, interval
 * coverage, how many still wait for their candle, and how many were late
 * (issued after their target candle had closed, from a stale origin: never
 * scored, their outcome was known when they were issued).
 *
 * @module
 */
import type { Warehouse } from "../../warehouse/db.ts";
import { seriesKey } from "../../core/series.ts";
import { directionalAccuracy, mean } from "../evaluation/metrics.ts";

/** One row of the `forecast_ledger` view, as scoring needs it. */
export interface LedgerRow {
  exchange: string;
  symbol: string;
  timeframe: string;
  version_id: string;
  /** The model kind (`naive`, `drift`, `xgboost`), null for an unregistered version. */
  model: string | null;
  issued_at: string;
  horizon: number;
  /**
   * `scored`, `pending` (target candle not closed or not stored yet), `missing` (a gap) or
   * `late` (issued after the target candle had closed: never scored).
   */
  status: string;
  /** An identical repeat of an earlier issue (same version, origin and target). */
  reissue: boolean;
  yhat_return: number | null;
  realized_return: number | null;
  error_return: number | null;
  naive_error_return: number | null;
  ape: number | null;
  covered_80: boolean | null;
}

/** The ledger's figures for one series, version and horizon (null: pooled). */
export interface LedgerSummary {
  exchange: string;
  symbol: string;
  timeframe: string;
  version_id: string;
  model: string | null;
  horizon: number | null;
  /** Forecasts scored against a closed candle. */
  n: number;
  /** Forecasts whose target candle has not closed (or is not stored) yet. */
  pending: number;
  /** Forecasts whose target candle is missing from stored data (a gap). */
  missing: number;
  /** Forecasts issued after their target candle had closed (a stale origin): not scored. */
  late: number;
  /** Mean absolute error of the log return. */
  mae: number;
  /** MAE over the naive ("no change") MAE on the same forecasts. */
  mase: number;
  /** Mean absolute percentage error of the price (in %). */
  mape: number;
  /** Share of moves whose sign was called right (zero calls and moves left out). */
  dirAcc: number;
  /** Share of realized closes inside the 80% interval. */
  coverage80: number;
  /** The latest issue of these forecasts. */
  lastIssued: string;
}

/**
 * Reads the ledger rows (every forecast, scored or not), oldest issue first.
 * `versionsPerSeries` keeps only each series' most recently issued versions
 * (all by default).
 *
 * @example
 * ```ts
 * const rows = await loadLedger(wh, { versionsPerSeries: 3 });
 * ```
 */
export async function loadLedger(
  wh: Warehouse,
  options: { versionsPerSeries?: number } = {},
): Promise<LedgerRow[]> {
  const keep = options.versionsPerSeries ?? null;
  return await wh.rows<LedgerRow>(
    `WITH recent AS (
       SELECT version_id FROM forecasts GROUP BY exchange, symbol, timeframe, version_id
       QUALIFY $keep IS NULL OR row_number() OVER (
         PARTITION BY exchange, symbol, timeframe ORDER BY max(issued_at) DESC, version_id) <= $keep
     )
     SELECT exchange, symbol, timeframe, version_id, model, issued_at, horizon, status, reissue,
            yhat_return, realized_return, error_return, naive_error_return, ape, covered_80
     FROM forecast_ledger WHERE version_id IN (SELECT version_id FROM recent)
     ORDER BY exchange, symbol, timeframe, issued_at, version_id, horizon`,
    { keep },
  );
}

/**
 * Scores ledger rows per series, version and horizon; `pooled` puts every
 * horizon of a version together (horizon null). Repeats of an identical
 * forecast (`reissue`) count once.
 *
 * @example
 * ```ts
 * const byVersion = scoreLedger(await loadLedger(wh), { pooled: true });
 * ```
 */
export function scoreLedger(
  rows: readonly LedgerRow[],
  options: { pooled?: boolean } = {},
): LedgerSummary[] {
  const groups = new Map<string, LedgerRow[]>();
  for (const r of rows) {
    if (r.reissue) continue;
    const k = [r.exchange, r.symbol, r.timeframe, r.version_id, options.pooled ? "" : r.horizon]
      .join("|");
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const out: LedgerSummary[] = [];
  for (const g of groups.values()) {
    const s = g.filter((r) => r.status === "scored");
    const abs = (xs: (number | null)[]) => mean(xs.map((x) => Math.abs(x!)));
    const mae = abs(s.map((r) => r.error_return));
    const naive = abs(s.map((r) => r.naive_error_return));
    const covered = s.filter((r) => r.covered_80 !== null);
    const r0 = g[0];
    out.push({
      exchange: r0.exchange,
      symbol: r0.symbol,
      timeframe: r0.timeframe,
      version_id: r0.version_id,
      model: r0.model,
      horizon: options.pooled ? null : r0.horizon,
      n: s.length,
      pending: g.filter((r) => r.status === "pending").length,
      missing: g.filter((r) => r.status === "missing").length,
      late: g.filter((r) => r.status === "late").length,
      mae,
      mase: naive > 0 ? mae / naive : NaN,
      mape: 100 * mean(s.map((r) => r.ape!)),
      dirAcc: directionalAccuracy(s.map((r) => r.realized_return!), s.map((r) => r.yhat_return!)),
      coverage80: mean(covered.map((r) => (r.covered_80 ? 1 : 0))),
      lastIssued: g.reduce((a, r) => (r.issued_at > a ? r.issued_at : a), r0.issued_at),
    });
  }
  return out.sort((a, b) =>
    seriesKey(a).localeCompare(seriesKey(b)) ||
    b.lastIssued.localeCompare(a.lastIssued) || a.version_id.localeCompare(b.version_id) ||
    (a.horizon ?? 0) - (b.horizon ?? 0)
  );
}

/**
 * A short text summary of pooled ledger figures: per series, its most
 * recently issued versions (at most `perSeries`, default 3).
 *
 * @example
 * ```ts
 * console.log(formatLedger(scoreLedger(rows, { pooled: true })).join("\n"));
 * ```
 */
export function formatLedger(
  pooled: readonly LedgerSummary[],
  options: { perSeries?: number } = {},
): string[] {
  const per = options.perSeries ?? 3;
  const f = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
  const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : "n/a");
  const lines: string[] = [];
  const shown = new Map<string, number>();
  let hidden = 0;
  for (const s of pooled) {
    const k = seriesKey(s);
    const i = shown.get(k) ?? 0;
    shown.set(k, i + 1);
    if (i >= per) {
      hidden++;
      continue;
    }
    const waiting = [
      s.pending ? `${s.pending} pending` : "",
      s.missing ? `${s.missing} missing` : "",
      s.late ? `${s.late} late` : "",
    ].filter(Boolean).join(", ");
    const scored = s.n === 0
      ? "none scored yet"
      : `${s.n} scored: MAE ${f(s.mae, 4)}, MASE ${f(s.mase, 3)} vs no change, MAPE ${
        f(s.mape, 2)
      }%, direction ${pct(s.dirAcc)}, 80% coverage ${pct(s.coverage80)}`;
    lines.push(
      `  ledger ${s.symbol} ${s.timeframe} ${s.version_id}: ${scored}${
        waiting ? ` (${waiting})` : ""
      }`,
    );
  }
  if (hidden > 0) {
    lines.push(
      `  ledger: ${hidden} older version(s) not shown; see deno task sql "SELECT * FROM forecast_ledger"`,
    );
  }
  return lines;
}
