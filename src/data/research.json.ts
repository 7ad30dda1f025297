/**
 * Data loader → `research.json`: close-to-close log returns per series, for
 * the research notebook to compute its stylized facts from. Returns sit on
 * the series' regular time grid (`start` + i × `step`), null where a candle
 * is missing, so series of one timeframe line up by time. Daily and weekly
 * series keep their whole history; sub-daily series their last 365 days.
 *
 * @module
 */
import { runLoader } from "./_snapshot.ts";

/** Sub-daily series keep this many days of returns. */
const INTRADAY_DAYS = 365;

const STEP_SQL = `CASE timeframe WHEN '1m' THEN 60000 WHEN '5m' THEN 300000 WHEN '15m' THEN 900000
  WHEN '1h' THEN 3600000 WHEN '4h' THEN 14400000 WHEN '1d' THEN 86400000 ELSE 604800000 END`;

await runLoader("research.json", async (db) => {
  const rows = await db.rows(
    `WITH s AS (
       SELECT exchange, symbol, timeframe, ts, close,
              lag(close) OVER w AS prev_close, lag(ts) OVER w AS prev_ts,
              ${STEP_SQL} AS step
       FROM ohlcv
       WINDOW w AS (PARTITION BY exchange, symbol, timeframe ORDER BY ts)
     ), last AS (SELECT exchange, symbol, timeframe, max(ts) AS last_ts FROM ohlcv GROUP BY ALL)
     SELECT s.exchange, s.symbol, s.timeframe, s.step, epoch_ms(s.ts) AS t,
            CASE WHEN epoch_ms(s.ts) - epoch_ms(s.prev_ts) = s.step AND s.prev_close > 0
                 THEN ln(s.close / s.prev_close) END AS r
     FROM s JOIN last l USING (exchange, symbol, timeframe)
     WHERE s.prev_ts IS NOT NULL
       AND (s.timeframe IN ('1d', '1w') OR s.ts > l.last_ts - to_days(?::INTEGER))
     ORDER BY s.exchange, s.symbol, s.timeframe, s.ts`,
    [INTRADAY_DAYS],
  );
  const out: {
    exchange: unknown;
    symbol: unknown;
    timeframe: unknown;
    start: number;
    step: number;
    r: (number | null)[];
  }[] = [];
  let cur: (typeof out)[number] | undefined;
  for (const row of rows) {
    if (
      !cur || cur.exchange !== row.exchange || cur.symbol !== row.symbol ||
      cur.timeframe !== row.timeframe
    ) {
      cur = {
        exchange: row.exchange,
        symbol: row.symbol,
        timeframe: row.timeframe,
        start: row.t as number,
        step: row.step as number,
        r: [],
      };
      out.push(cur);
    }
    // Missing candles leave null slots, so index i is always start + i × step.
    const i = Math.round(((row.t as number) - cur.start) / cur.step);
    while (cur.r.length < i) cur.r.push(null);
    cur.r.push(
      typeof row.r === "number" && Number.isFinite(row.r) ? Number(row.r.toPrecision(4)) : null,
    );
  }
  return out;
});
