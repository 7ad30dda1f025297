/**
 * Data loader → `ohlcv.json`: candles per series, as columns. Sub-daily
 * series keep their last 60 days; daily and weekly series keep everything.
 *
 * @module
 */
import { seriesKey } from "../../core/series.ts";
import { INTRADAY_WINDOW_DAYS, runLoader, type SeriesRow, sig } from "./_snapshot.ts";

await runLoader("ohlcv.json", async (db) => {
  const rows = await db.rows<SeriesRow>(
    `WITH last AS (SELECT exchange, symbol, timeframe, max(ts) AS last_ts FROM ohlcv GROUP BY ALL)
     SELECT o.exchange, o.symbol, o.timeframe, o.ts, o.open, o.high, o.low, o.close, o.volume
     FROM ohlcv o JOIN last l USING (exchange, symbol, timeframe)
     WHERE o.timeframe IN ('1d', '1w') OR o.ts > l.last_ts - to_days(?::INTEGER)
     ORDER BY o.exchange, o.symbol, o.timeframe, o.ts`,
    [INTRADAY_WINDOW_DAYS],
  );
  const series: Record<string, unknown>[] = [];
  let cur: Record<string, unknown[]> | undefined;
  let curKey = "";
  for (const r of rows) {
    const key = seriesKey(r);
    if (key !== curKey) {
      curKey = key;
      cur = { ts: [], open: [], high: [], low: [], close: [], volume: [] };
      series.push({ exchange: r.exchange, symbol: r.symbol, timeframe: r.timeframe, ...cur });
    }
    cur!.ts.push(r.ts);
    for (const c of ["open", "high", "low", "close", "volume"]) cur![c].push(sig(r[c]));
  }
  return series;
});
