/**
 * Data loader → `forecasts.json`: for every series with a champion, that
 * champion's latest forecast: each horizon's point forecast (yhat) and its
 * 50/80/95% intervals.
 *
 * @module
 */
import { seriesKey } from "../../core/series.ts";
import { runLoader, type SeriesRow, sig } from "./_snapshot.ts";

await runLoader("forecasts.json", async (db) => {
  const rows = await db.rows<SeriesRow>(`
    SELECT f.exchange, f.symbol, f.timeframe, f.version_id, c.model, c.reason, f.issued_at,
           f.origin_ts, f.ts, f.horizon, f.yhat, f.lower, f.upper, f.level
    FROM forecasts f JOIN champions c USING (exchange, symbol, timeframe, version_id)
    QUALIFY f.issued_at = max(f.issued_at) OVER (PARTITION BY f.exchange, f.symbol, f.timeframe)
    ORDER BY f.exchange, f.symbol, f.timeframe, f.horizon, f.level`);
  const out: Record<string, unknown>[] = [];
  let cur: { points: unknown[] } | undefined;
  let curKey = "";
  for (const r of rows) {
    const key = seriesKey(r);
    if (key !== curKey) {
      curKey = key;
      cur = { points: [] };
      out.push({
        exchange: r.exchange,
        symbol: r.symbol,
        timeframe: r.timeframe,
        version_id: r.version_id,
        model: r.model,
        reason: r.reason,
        issued_at: r.issued_at,
        origin_ts: r.origin_ts,
        ...cur,
      });
    }
    cur!.points.push({
      ts: r.ts,
      horizon: r.horizon,
      yhat: sig(r.yhat),
      lower: sig(r.lower),
      upper: sig(r.upper),
      level: r.level,
    });
  }
  return out;
});
