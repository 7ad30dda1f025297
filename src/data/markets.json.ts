/**
 * Data loader → `markets.json`: one entry per series (exchange, symbol,
 * timeframe) with its last price, 24h and 7d change, a sparkline of recent
 * closes, its freshness, and the champion's next-step forecast.
 *
 * @module
 */
import { seriesKey } from "../../core/series.ts";
import { runLoader, type SeriesRow, sig } from "./_snapshot.ts";

/** How many closes the Overview sparkline shows, per timeframe. */
const SPARK_POINTS = `CASE timeframe WHEN '1m' THEN 360 WHEN '5m' THEN 288 WHEN '15m' THEN 192
  WHEN '1h' THEN 168 WHEN '4h' THEN 180 WHEN '1d' THEN 90 ELSE 104 END`;

await runLoader("markets.json", async (db) => {
  const markets = await db.rows<SeriesRow>(`
    WITH last AS (
      SELECT exchange, symbol, timeframe, count(*) AS candles, min(ts) AS first_ts,
             max(ts) AS last_ts, arg_max(close, ts) AS last_close
      FROM ohlcv GROUP BY ALL
    )
    SELECT l.*,
      (SELECT arg_max(o.close, o.ts) FROM ohlcv o
        WHERE o.exchange = l.exchange AND o.symbol = l.symbol AND o.timeframe = l.timeframe
          AND o.ts <= l.last_ts - INTERVAL 24 HOUR) AS close_24h,
      (SELECT arg_max(o.close, o.ts) FROM ohlcv o
        WHERE o.exchange = l.exchange AND o.symbol = l.symbol AND o.timeframe = l.timeframe
          AND o.ts <= l.last_ts - INTERVAL 7 DAY) AS close_7d
    FROM last l ORDER BY exchange, symbol, timeframe`);

  const spark = await db.rows<SeriesRow>(`
    SELECT exchange, symbol, timeframe, ts, close FROM (
      SELECT *, row_number() OVER (PARTITION BY exchange, symbol, timeframe ORDER BY ts DESC) AS k
      FROM ohlcv
    ) WHERE k <= ${SPARK_POINTS}
    ORDER BY exchange, symbol, timeframe, ts`);

  const next = await db.rows<SeriesRow>(`
    WITH latest AS (
      SELECT f.*, c.model FROM forecasts f JOIN champions c USING (exchange, symbol, timeframe, version_id)
      QUALIFY f.issued_at = max(f.issued_at) OVER (PARTITION BY f.exchange, f.symbol, f.timeframe)
    )
    SELECT exchange, symbol, timeframe, version_id, model, issued_at, origin_ts, ts, horizon,
           yhat, lower, upper, level
    FROM latest
    QUALIFY horizon = min(horizon) OVER (PARTITION BY exchange, symbol, timeframe)
    ORDER BY exchange, symbol, timeframe, level`);

  return markets.map((m) => {
    const points = next.filter((f) => seriesKey(f) === seriesKey(m));
    const main = points.find((f) => f.level === 0.8) ?? points[0];
    const change = (past: unknown) =>
      typeof past === "number" && past !== 0 ? sig((m.last_close as number) / past - 1) : null;
    const closes = spark.filter((s) => seriesKey(s) === seriesKey(m));
    return {
      exchange: m.exchange,
      symbol: m.symbol,
      timeframe: m.timeframe,
      candles: m.candles,
      first_ts: m.first_ts,
      last_ts: m.last_ts,
      last_close: sig(m.last_close),
      change_24h: change(m.close_24h),
      change_7d: change(m.close_7d),
      sparkline_start: closes[0]?.ts ?? null,
      sparkline: closes.map((s) => sig(s.close)),
      forecast: main
        ? {
          version_id: main.version_id,
          model: main.model,
          issued_at: main.issued_at,
          origin_ts: main.origin_ts,
          ts: main.ts,
          horizon: main.horizon,
          yhat: sig(main.yhat),
          intervals: points.map((p) => ({
            level: p.level,
            lower: sig(p.lower),
            upper: sig(p.upper),
          })),
        }
        : null,
    };
  });
});
