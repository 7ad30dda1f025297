/**
 * Data loader → `models.json`: per series, the latest walk-forward run of
 * each model kind with its metrics per horizon (pooled over folds) and per
 * fold — return forecasters, volatility forecasters (`vol:*`) and the seed's
 * reference setup, each with its `kind`; the alias history (which version
 * was champion, when, and why); and
 * the recent versions with their model cards. Signal judgements
 * (`model` starting with `signal:`) belong to the Signals page, not here.
 *
 * Metrics are columns indexed like `horizons`, to keep the payload small:
 * `metrics.mase[i]` is the MASE at `horizons[i]`; `overall` holds the
 * fold-and-horizon-free summary.
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import { seriesKey } from "../../core/series.ts";
import { runLoader, type SeriesRow, sig } from "./_snapshot.ts";

/** Metrics kept per horizon (pooled over folds). */
const POOLED = [
  "n",
  "mae",
  "mase",
  "dir_acc",
  "up_rate",
  "coverage_50",
  "coverage_80",
  "coverage_95",
  "width_80",
  "dm_stat",
  "dm_p",
  // Interval coverage by volatility regime (terciles of the origin's volatility).
  "coverage_80_vol_low",
  "coverage_80_vol_mid",
  "coverage_80_vol_high",
  // Volatility models (`vol:*`): QLIKE and its ratios to the baselines on the same origins.
  "qlike",
  "qlike_vs_unconditional",
  "qlike_vs_ewma",
  "rmse_vol",
];
/** Metrics kept per fold and horizon. */
const PER_FOLD = ["n", "mase", "dir_acc", "coverage_80", "qlike_vs_unconditional"];
/** Versions (newest first) listed with their model card, per series. */
const RECENT_VERSIONS = 9;

await runLoader("models.json", async (db) => {
  const runs = await db.rows<SeriesRow>(`
    SELECT r.exchange, r.symbol, r.timeframe, r.model, r.run_id, r.started_at, r.status,
           r.duration_ms, r.data_start, r.data_end, r.seed, r.feature_set, r.code_version,
           v.version_id
    FROM model_runs r LEFT JOIN model_versions v USING (run_id)
    WHERE r.model NOT LIKE 'signal:%'
    QUALIFY row_number() OVER (PARTITION BY r.exchange, r.symbol, r.timeframe, r.model
                               ORDER BY r.started_at DESC, r.run_id DESC) = 1
    ORDER BY r.exchange, r.symbol, r.timeframe, r.model`);
  const wanted = [...new Set([...POOLED, ...PER_FOLD])];
  const metrics = runs.length
    ? await db.rows(
      `SELECT run_id, fold, horizon, metric, value FROM run_metrics
       WHERE run_id IN (${runs.map(() => "?").join(", ")})
         AND metric IN (${wanted.map(() => "?").join(", ")})
       ORDER BY run_id, fold NULLS FIRST, horizon NULLS FIRST, metric`,
      [...runs.map((r) => r.run_id as string), ...wanted],
    )
    : [];
  const aliases = await db.rows<SeriesRow>(`
    SELECT a.exchange, a.symbol, a.timeframe, a.alias, a.version_id, v.model, a.set_at, a.unset_at,
           a.reason
    FROM model_aliases a LEFT JOIN model_versions v USING (version_id)
    ORDER BY a.exchange, a.symbol, a.timeframe, a.set_at DESC, a.alias`);
  const versions = await db.rows<SeriesRow>(
    `SELECT v.exchange, v.symbol, v.timeframe, v.version_id, v.model, v.run_id, v.created_at,
            v.artifact_sha256, v.card_path
     FROM model_versions v
     WHERE v.model NOT LIKE 'signal:%'
     QUALIFY row_number() OVER (PARTITION BY v.exchange, v.symbol, v.timeframe
                                ORDER BY v.created_at DESC, v.version_id) <= ?
       OR v.version_id IN (SELECT version_id FROM model_aliases)
     ORDER BY v.exchange, v.symbol, v.timeframe, v.created_at DESC, v.version_id`,
    [RECENT_VERSIONS],
  );

  const keys = [...new Set([...runs, ...aliases].map(seriesKey))].sort();
  return await Promise.all(keys.map(async (k) => {
    const [exchange, symbol, timeframe] = k.split("|");
    const series = runs.filter((r) => seriesKey(r) === k);
    const mine = (runId: unknown) => metrics.filter((m) => m.run_id === runId);
    const horizons = [
      ...new Set(
        series.flatMap((r) => mine(r.run_id).map((m) => m.horizon)).filter((hz) => hz !== null),
      ),
    ].sort((a, b) => (a as number) - (b as number)) as number[];
    const columns = (rows: Record<string, unknown>[], names: string[]) =>
      Object.fromEntries(
        names.map((name) => [
          name,
          horizons.map((hz) => {
            const m = rows.find((r) => r.metric === name && r.horizon === hz);
            return m ? sig(m.value) : null;
          }),
        ]),
      );
    return {
      exchange,
      symbol,
      timeframe,
      horizons,
      runs: series.map((r) => {
        const rows = mine(r.run_id);
        const folds = [...new Set(rows.map((m) => m.fold).filter((f) => f !== null))]
          .sort((a, b) => (a as number) - (b as number)) as number[];
        return {
          model: r.model,
          // Return forecasters are ranked by MASE; volatility forecasters (`vol:*`) by QLIKE;
          // `seed-reference` is the seed's setup, measured but never promoted.
          kind: String(r.model).startsWith("vol:")
            ? "volatility"
            : r.model === "seed-reference"
            ? "reference"
            : "return",
          run_id: r.run_id,
          version_id: r.version_id ?? null,
          started_at: r.started_at,
          status: r.status,
          duration_ms: sig(r.duration_ms),
          data_start: r.data_start,
          data_end: r.data_end,
          seed: r.seed,
          feature_set: r.feature_set ?? null,
          code_version: r.code_version ?? null,
          overall: Object.fromEntries(
            rows.filter((m) => m.fold === null && m.horizon === null).map((m) => [
              m.metric,
              sig(m.value),
            ]),
          ),
          metrics: columns(rows.filter((m) => m.fold === null), POOLED),
          folds: folds.map((fold) => ({
            fold,
            metrics: columns(rows.filter((m) => m.fold === fold), PER_FOLD),
          })),
        };
      }),
      aliases: aliases.filter((a) => seriesKey(a) === k).map((a) => ({
        alias: a.alias,
        version_id: a.version_id,
        model: a.model ?? null,
        set_at: a.set_at,
        unset_at: a.unset_at,
        reason: a.reason,
      })),
      versions: await Promise.all(
        versions.filter((v) => seriesKey(v) === k).map(async (v) => ({
          version_id: v.version_id,
          model: v.model,
          run_id: v.run_id,
          created_at: v.created_at,
          artifact_sha256: v.artifact_sha256,
          card: await readCard(v.card_path),
        })),
      ),
    };
  }));
});

/** A model card's Markdown, or null when its file is not on this machine. */
async function readCard(path: unknown): Promise<string | null> {
  if (typeof path !== "string" || path === "") return null;
  const full = isAbsolute(path) ? path : join(Deno.cwd(), path);
  try {
    return await Deno.readTextFile(full);
  } catch {
    return null;
  }
}
