import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse } from "../warehouse/db.ts";
import { ingestSample } from "../loaders/sample/mod.ts";
import { featureColumns, featureSetHash, featureSetName, loadFeatures } from "./features/core.ts";
import { ewmaVolatility } from "./evaluation/targets.ts";
import { LEVELS } from "./evaluation/conformal.ts";
import { type ModelArtifact, registerVersion, setAlias } from "./registry.ts";
import { forecastAll } from "./forecast.ts";

const NOW = Date.UTC(2025, 5, 1, 12, 30);
const SERIES = { exchange: "sample", symbol: "BTC/USDT", timeframe: "1d" as const };
const Q = { 0.5: 0.7, 0.8: 1.3, 0.95: 2.1 };

/** A naive model's artifact (no booster needed) with the given horizon models. */
async function artifact(
  version_id: string,
  horizons: ModelArtifact["horizons"],
): Promise<ModelArtifact> {
  return {
    format: "prevision-model/1",
    version_id,
    run_id: `run-${version_id}`,
    model: "naive",
    series: SERIES,
    feature_set: featureSetName([]),
    feature_set_hash: await featureSetHash(SERIES.timeframe, []),
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

Deno.test({
  name:
    "forecastAll() serves artifacts without volatility bins with the pooled quantiles, and binned ones with σ's bin",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const wh = await openWarehouse(join(dir, "w.duckdb"));
    try {
      await ingestSample(wh, { now: NOW, days: 400, symbols: ["BTC/USDT"], timeframes: ["1d"] });
      const frame = await loadFeatures(wh, SERIES);
      const last = frame.ts.length - 1;
      const sigma = ewmaVolatility(frame.x.map((r) => r[0]), { lambda: 0.94 })[last];
      const trainedOn = { from: 0, to: 0, rows: 0 };
      const serve = async (a: ModelArtifact) => {
        await registerVersion(wh, join(dir, "models"), a, "card");
        await setAlias(wh, "champion", a.version_id, SERIES, "test");
        const [f] = await forecastAll(wh, { now: NOW });
        assert.equal(f.version_id, a.version_id);
        return f.points;
      };
      // An artifact written before bins existed: `q` only (as JSON on disk, string keys).
      const legacy = await serve(await artifact("legacy", [{ h: 4, q: Q, trainedOn }]));
      assert.equal(legacy.length, 3);
      for (const p of legacy) {
        const half = Q[p.level as keyof typeof Q] * sigma * 2;
        assert.ok(Math.abs(p.lower - p.yhat * Math.exp(-half)) < 1e-9 * p.yhat, `${p.level}`);
        assert.ok(Math.abs(p.upper - p.yhat * Math.exp(half)) < 1e-9 * p.yhat, `${p.level}`);
      }
      // The same with bins: σ above both edges takes the wild bin's quantiles (here twice `q`).
      const wild = Object.fromEntries(Object.entries(Q).map(([l, v]) => [l, 2 * v]));
      const bins = {
        edges: [sigma / 3, sigma / 2] as [number, number],
        q: [Q, Q, wild],
        n: [1, 1, 1],
      };
      const binned = await serve(await artifact("binned", [{ h: 4, q: Q, bins, trainedOn }]));
      for (const [i, p] of binned.entries()) {
        assert.equal(p.yhat, legacy[i].yhat);
        const ratio = Math.log(p.upper / p.yhat) / Math.log(legacy[i].upper / legacy[i].yhat);
        assert.ok(Math.abs(ratio - 2) < 1e-9, `${p.level}: ${ratio}`);
      }
    } finally {
      wh.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
