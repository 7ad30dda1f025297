/**
 * A naive model's artifact for tests (no booster, no features): the
 * registry, forecast and CLI tests register it as a champion.
 *
 * @module
 */
import { featureColumns, featureSetHash, featureSetName } from "../features/core.ts";
import { LEVELS } from "../evaluation/conformal.ts";
import type { ModelArtifact } from "../registry/versions.ts";

/** A naive artifact with the given horizon models, for `series` (BTC/USDT 1d on `sample` by default). */
export async function naiveArtifact(
  version_id: string,
  horizons: ModelArtifact["horizons"],
  series: { exchange: string; symbol: string; timeframe: "1d" | "1h" } = {
    exchange: "sample",
    symbol: "BTC/USDT",
    timeframe: "1d",
  },
): Promise<ModelArtifact> {
  return {
    format: "prevision-model/1",
    version_id,
    run_id: `run-${version_id}`,
    model: "naive",
    series,
    feature_set: featureSetName([]),
    feature_set_hash: await featureSetHash(series.timeframe, []),
    feature_columns: featureColumns([]),
    sigma: { method: "ewma", lambda: 0.94 },
    levels: LEVELS,
    params: {},
    seed: 1,
    data: { start: "", end: "", fingerprint: "" },
    horizons,
    summary: {},
  };
}
