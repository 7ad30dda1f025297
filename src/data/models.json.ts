/**
 * Data loader → `models.json`: per series, the latest walk-forward run of
 * each model kind with its overall metrics (fold NULL), and the alias
 * history (which version is champion, since when, and why).
 *
 * @module
 */
import { runLoader, sig } from "./_snapshot.ts";

await runLoader("models.json", async (db) => {
  const runs = await db.rows(`
    SELECT r.exchange, r.symbol, r.timeframe, r.model, r.run_id, r.started_at, r.status,
           r.duration_ms, r.data_start, r.data_end, v.version_id,
           (SELECT count(DISTINCT m.fold) FROM run_metrics m WHERE m.run_id = r.run_id) AS folds
    FROM model_runs r LEFT JOIN model_versions v USING (run_id)
    QUALIFY row_number() OVER (PARTITION BY r.exchange, r.symbol, r.timeframe, r.model
                               ORDER BY r.started_at DESC, r.run_id DESC) = 1
    ORDER BY r.exchange, r.symbol, r.timeframe, r.model`);
  const metrics = await db.rows(`
    SELECT run_id, horizon, metric, value FROM run_metrics
    WHERE fold IS NULL AND run_id IN (SELECT run_id FROM model_runs)
    ORDER BY run_id, horizon NULLS FIRST, metric`);
  const aliases = await db.rows(`
    SELECT a.exchange, a.symbol, a.timeframe, a.alias, a.version_id, v.model, a.set_at, a.unset_at,
           a.reason
    FROM model_aliases a LEFT JOIN model_versions v USING (version_id)
    ORDER BY a.exchange, a.symbol, a.timeframe, a.set_at DESC, a.alias`);

  const key = (r: Record<string, unknown>) => `${r.exchange}|${r.symbol}|${r.timeframe}`;
  const keys = [...new Set([...runs, ...aliases].map(key))].sort();
  return keys.map((k) => {
    const [exchange, symbol, timeframe] = k.split("|");
    const series = runs.filter((r) => key(r) === k);
    return {
      exchange,
      symbol,
      timeframe,
      runs: series.map((r) => ({
        model: r.model,
        run_id: r.run_id,
        version_id: r.version_id ?? null,
        started_at: r.started_at,
        status: r.status,
        duration_ms: sig(r.duration_ms),
        data_start: r.data_start,
        data_end: r.data_end,
        folds: r.folds,
        metrics: metrics.filter((m) => m.run_id === r.run_id).map((m) => ({
          horizon: m.horizon,
          metric: m.metric,
          value: sig(m.value),
        })),
      })),
      aliases: aliases.filter((a) => key(a) === k).map((a) => ({
        alias: a.alias,
        version_id: a.version_id,
        model: a.model ?? null,
        set_at: a.set_at,
        unset_at: a.unset_at,
        reason: a.reason,
      })),
    };
  });
});
