import assert from "node:assert/strict";
import { decideChampion, type ModelSummary } from "./promotion.ts";

const naive: ModelSummary = {
  model: "naive",
  mase: 1,
  dirAcc: NaN,
  coverage80: 0.8,
  dmP1: 1,
  dmStat1: 0,
};
const xgb = (o: Partial<ModelSummary>): ModelSummary => ({
  model: "xgboost",
  mase: 1.01,
  dirAcc: 0.5,
  coverage80: 0.8,
  dmP1: 0.4,
  dmStat1: 0.5,
  ...o,
});

Deno.test("decideChampion() keeps naive when no model beats no change, and says why", () => {
  const v = decideChampion([naive, xgb({})]);
  assert.equal(v.champion, "naive");
  assert.match(v.reason, /no model beat no change: xgboost MASE 1\.010/);
});

Deno.test("decideChampion() promotes a significantly better, well-calibrated model", () => {
  const v = decideChampion([naive, xgb({ mase: 0.985, dmP1: 0.01, dmStat1: -2.6, dirAcc: 0.53 })]);
  assert.equal(v.champion, "xgboost");
  assert.match(v.reason, /beat no change: MASE 0\.985/);
});

Deno.test("decideChampion() never promotes a leakage suspect", () => {
  for (
    const s of [
      xgb({ mase: 0.9, dmP1: 0.001, dmStat1: -5 }),
      xgb({ mase: 0.99, dirAcc: 0.6, dmP1: 0.001, dmStat1: -4 }),
    ]
  ) {
    const v = decideChampion([naive, s]);
    assert.equal(v.champion, "naive");
    assert.deepEqual(v.suspects, ["xgboost"]);
    assert.match(v.reason, /leakage suspect/);
  }
});

Deno.test("decideChampion() refuses a model whose intervals are miscalibrated", () => {
  assert.equal(
    decideChampion([naive, xgb({ mase: 0.99, dmP1: 0.01, dmStat1: -2.6, coverage80: 0.6 })])
      .champion,
    "naive",
  );
});

Deno.test("decideChampion() never promotes the seed reference, whatever its figures", () => {
  const seed = xgb({ model: "seed-reference", mase: 0.985, dmP1: 0.01, dmStat1: -2.6 });
  const v = decideChampion([naive, xgb({}), seed]);
  assert.equal(v.champion, "naive");
  // A reference is not judged as a candidate: not a leakage suspect either.
  assert.deepEqual(decideChampion([naive, { ...seed, dirAcc: 0.6 }]).suspects, []);
  assert.match(v.reason, /seed-reference MASE 0\.985 .*\(reference, never promoted\)/);
  // Beside a real winner, the winner is champion, not the reference.
  const better = xgb({ mase: 0.99, dmP1: 0.01, dmStat1: -2.6 });
  assert.equal(decideChampion([naive, seed, better]).champion, "xgboost");
});
