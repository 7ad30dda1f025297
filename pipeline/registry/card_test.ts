import assert from "node:assert/strict";
import { modelCard } from "./card.ts";
import { decideChampion, leakageSuspect, type ModelSummary } from "./promotion.ts";
import type { ModelArtifact } from "./versions.ts";

const artifact = (model: "naive" | "xgboost"): ModelArtifact => ({
  format: "prevision-model/1",
  version_id: `${model}-BTCUSDT-1h-x`,
  run_id: "run-x",
  model,
  series: { exchange: "binance", symbol: "BTC/USDT", timeframe: "1h" },
  feature_set: "core-v2",
  feature_set_hash: "ab".repeat(32),
  feature_columns: ["r_1"],
  sigma: { method: "ewma", lambda: 0.97 },
  levels: [0.5, 0.8, 0.95],
  params: {},
  seed: 42,
  data: { start: "2025-01-01T00:00:00Z", end: "2025-06-01T00:00:00Z", fingerprint: "f" },
  horizons: [1, 2].map((h) => ({
    h,
    trainedOn: { from: 0, to: 1, rows: 1 },
  })) as unknown as ModelArtifact["horizons"],
  summary: {},
});

const summary = (o: Partial<ModelSummary>): ModelSummary => ({
  model: "naive",
  mase: 1,
  dirAcc: NaN,
  coverage80: 0.8,
  dmP1: 1,
  dmStat1: 0,
  ...o,
});

Deno.test("modelCard() flags a leakage suspect and names the breach, here at h=1 only", () => {
  const xgb = summary({
    model: "xgboost",
    mase: 0.992,
    dirAcc: 0.52,
    mase1: 0.8,
    dirAcc1: 0.53,
    dmP1: 0.001,
    dmStat1: -6,
  });
  const summaries = [summary({}), xgb];
  const verdict = decideChampion(summaries);
  const folds = [{ fold: 0, testStart: 0, testEnd: 3600_000 }];
  const card = modelCard(artifact("xgboost"), {
    summaries,
    verdict,
    suspect: leakageSuspect(xgb),
    folds,
  });
  assert.match(card, /> \*\*Leakage suspect\*\*: MASE 0\.800 at h=1 is below 0\.98\./);
  assert.match(card, /Not promoted/);
  // The table shows the h=1 figures beside the averages.
  assert.match(
    card,
    /\| xgboost \(this\) \| 0\.992 \| 0\.520 \| 0\.800 \| 0\.530 \| 80\.0% \| 0\.001 \|/,
  );
  assert.match(card, /\*\*Champion decision\*\*: naive — .*flagged as a leakage suspect/);
  // The other versions of the series carry no flag.
  const naiveCard = modelCard(artifact("naive"), { summaries, verdict, suspect: false, folds });
  assert.doesNotMatch(naiveCard, /\*\*Leakage suspect\*\*/);
});
