/**
 * The API's in-memory view of one published snapshot: markets, candles
 * (columnar), the champions' latest forecasts (pre-serialized) and model
 * summaries, loaded from a snapshot that passed its manifest's checks
 * (`validateSnapshot`). `serving.ts` holds the current one.
 *
 * @module
 */
import { openSnapshot, readDoubleColumns } from "../warehouse/snapshot.ts";
import { TIMEFRAMES } from "../core/candles.ts";
import { seriesKey } from "../core/series.ts";
import type { Forecast, HistoryPoint, SignalRow } from "./schemas.ts";

/** One series in memory, candles as columns (oldest first). */
export interface SeriesData {
  exchange: string;
  symbol: string;
  timeframe: string;
  /** Open times, ms since the epoch. No text is made per candle at load: a page's JSON or
   * CSV is written from these columns when it is asked for (and cached per page). */
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** A market row as served. */
export interface MarketRow {
  exchange: string;
  symbol: string;
  timeframe: string;
  candles: number;
  first_ts: string;
  last_ts: string;
  last_close: number;
  sample: boolean;
}

/** Everything the API serves, from one snapshot. */
export interface ServingView {
  snapshotId: string;
  loadedAt: number;
  markets: MarketRow[];
  /** `exchange|symbol|timeframe` → candles. */
  series: Map<string, SeriesData>;
  /** `exchange|symbol|timeframe` → the champion's latest forecast, as JSON text. */
  forecastJson: Map<string, string>;
  /** `exchange|symbol|timeframe` → champion forecast metadata for health. */
  champions: Map<string, { version_id: string; issued_at: string; set_at: string }>;
  /** `exchange|symbol|timeframe` → models payload. */
  models: Map<string, unknown>;
  /** `exchange|symbol|timeframe` → past forecasts (every issue) for history. */
  forecastRows: Map<string, ForecastRow[]>;
  /** source → its signals, oldest first. */
  signals: Map<string, SignalRows>;
}

/** One source's signals, oldest first: nominal times, filters and pre-serialized rows. */
export interface SignalRows {
  ts: Float64Array;
  symbol: (string | null)[];
  name: string[];
  json: string[];
}

/** A stored forecast point: a history point before its close time and realized close. */
export type ForecastRow = Omit<HistoryPoint, "closes_at" | "actual">;

/**
 * Loads a snapshot into a {@link ServingView}.
 *
 * @example
 * ```ts
 * const view = await loadView(snapshotRoot("data/warehouse.duckdb"));
 * ```
 */
export async function loadView(root: string, id?: string): Promise<ServingView> {
  const snap = await openSnapshot(root, id, { validate: true });
  const db = snap.db;
  try {
    // One DuckDB thread: a reload leaves the other cores to the answers.
    await db.run("SET threads = 1");
    const markets = await db.rows<MarketRow & Record<string, unknown>>(
      "SELECT *, exchange = 'sample' AS sample FROM markets ORDER BY exchange, symbol, timeframe",
    );
    const series = new Map<string, SeriesData>();
    for (const m of markets) {
      const cols = await readDoubleColumns(
        db,
        `SELECT epoch_ms(ts)::DOUBLE AS ts, open, high, low, close, volume FROM ohlcv
         WHERE exchange = ? AND symbol = ? AND timeframe = ? ORDER BY ts`,
        [m.exchange, m.symbol, m.timeframe],
        Number(m.candles),
      );
      series.set(seriesKey(m), {
        exchange: m.exchange,
        symbol: m.symbol,
        timeframe: m.timeframe,
        ts: cols.ts,
        open: cols.open,
        high: cols.high,
        low: cols.low,
        close: cols.close,
        volume: cols.volume,
      });
    }
    const champs = await db.rows<{
      exchange: string;
      symbol: string;
      timeframe: string;
      version_id: string;
      set_at: string;
      reason: string;
      model: string;
    }>(
      "SELECT exchange, symbol, timeframe, version_id, set_at, reason, model FROM champions",
    );
    const forecastJson = new Map<string, string>();
    const champions = new Map<string, { version_id: string; issued_at: string; set_at: string }>();
    for (const c of champs) {
      const rows = await db.rows<ForecastRow & Record<string, unknown>>(
        `SELECT version_id, issued_at, ts, horizon, yhat, lower, upper, level FROM forecasts
         WHERE version_id = ? AND issued_at = (SELECT max(issued_at) FROM forecasts WHERE version_id = ?)
         ORDER BY horizon, level`,
        [c.version_id, c.version_id],
      );
      if (rows.length === 0) continue;
      const step = TIMEFRAMES[c.timeframe as keyof typeof TIMEFRAMES] ?? 0;
      const k = seriesKey(c);
      champions.set(k, {
        version_id: c.version_id,
        issued_at: rows[0].issued_at,
        set_at: c.set_at,
      });
      const doc: Forecast = {
        exchange: c.exchange,
        symbol: c.symbol,
        timeframe: c.timeframe,
        version_id: c.version_id,
        model: c.model,
        issued_at: rows[0].issued_at,
        sample: c.exchange === "sample",
        points: rows.map((r) => ({
          ts: r.ts,
          closes_at: new Date(Date.parse(r.ts) + step).toISOString(),
          horizon: r.horizon,
          yhat: r.yhat,
          lower: r.lower,
          upper: r.upper,
          level: r.level,
        })),
      };
      forecastJson.set(k, JSON.stringify(doc));
    }
    const models = await loadModels(db);
    const forecastRows = new Map<string, ForecastRow[]>();
    const past = await db.rows<
      ForecastRow & { exchange: string; symbol: string; timeframe: string }
    >(
      `SELECT exchange, symbol, timeframe, version_id, issued_at, ts, horizon, yhat, lower, upper, level
       FROM forecasts WHERE level = 0.8 ORDER BY issued_at, horizon`,
    );
    for (const r of past) {
      const k = seriesKey(r);
      const { exchange: _e, symbol: _s, timeframe: _t, ...row } = r;
      (forecastRows.get(k) ?? forecastRows.set(k, []).get(k)!).push(row);
    }
    const signals = await loadSignals(db);
    return {
      snapshotId: snap.id,
      loadedAt: Date.now(),
      markets,
      series,
      forecastJson,
      champions,
      models,
      forecastRows,
      signals,
    };
  } finally {
    db.close();
  }
}

async function loadSignals(
  db: Awaited<ReturnType<typeof openSnapshot>>["db"],
): Promise<Map<string, SignalRows>> {
  const rows = await db.rows<{
    source: string;
    symbol: string | null;
    ts: number;
    name: string;
    value: number | null;
    available_at: string | null;
  }>(
    `SELECT source, symbol, epoch_ms(ts)::DOUBLE AS ts, name, value, available_at
     FROM signals ORDER BY source, ts, symbol NULLS FIRST, name`,
  );
  const out = new Map<string, SignalRows & { t: number[] }>();
  for (const r of rows) {
    let g = out.get(r.source);
    if (!g) {
      out.set(r.source, g = { ts: new Float64Array(), t: [], symbol: [], name: [], json: [] });
    }
    g.t.push(r.ts);
    g.symbol.push(r.symbol);
    g.name.push(r.name);
    const row: SignalRow = {
      source: r.source,
      symbol: r.symbol,
      ts: new Date(r.ts).toISOString(),
      name: r.name,
      value: r.value,
      // Never null: the loaders refuse a signal without one (loaders/signals/store.ts).
      available_at: r.available_at!,
    };
    g.json.push(JSON.stringify(row));
  }
  const done = new Map<string, SignalRows>();
  for (const [k, { t, ...g }] of out) done.set(k, { ...g, ts: Float64Array.from(t) });
  return done;
}

async function loadModels(db: Awaited<ReturnType<typeof openSnapshot>>["db"]) {
  const versions = await db.rows<
    Record<string, unknown> & {
      exchange: string;
      symbol: string;
      timeframe: string;
    }
  >(
    `SELECT v.exchange, v.symbol, v.timeframe, v.version_id, v.model, v.created_at,
            v.artifact_sha256, r.run_id, r.feature_set, r.feature_set_hash, r.data_start, r.data_end,
            r.code_version, r.seed,
            (SELECT json_group_object(metric, value) FROM run_metrics m
              WHERE m.run_id = r.run_id AND m.fold IS NULL AND m.horizon IS NULL) AS metrics
     FROM model_versions v JOIN model_runs r USING (run_id)
     ORDER BY v.created_at DESC, v.model`,
  );
  const aliases = await db.rows<
    Record<string, unknown> & {
      exchange: string;
      symbol: string;
      timeframe: string;
    }
  >(
    `SELECT exchange, symbol, timeframe, alias, version_id, set_at, unset_at, reason
     FROM model_aliases ORDER BY set_at DESC`,
  );
  const out = new Map<string, { versions: unknown[]; aliases: unknown[] }>();
  const get = (r: { exchange: string; symbol: string; timeframe: string }) => {
    const k = seriesKey(r);
    return out.get(k) ?? out.set(k, { versions: [], aliases: [] }).get(k)!;
  };
  for (const v of versions) {
    const { exchange: _e, symbol: _s, timeframe: _t, metrics, ...rest } = v;
    get(v).versions.push({
      ...rest,
      metrics: typeof metrics === "string" ? JSON.parse(metrics) : metrics,
    });
  }
  for (const a of aliases) {
    const { exchange: _e, symbol: _s, timeframe: _t, ...rest } = a;
    get(a).aliases.push(rest);
  }
  return out as Map<string, unknown>;
}
