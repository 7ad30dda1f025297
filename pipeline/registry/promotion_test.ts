import assert from "node:assert/strict";
import {
  decideChampion,
  leakageReason,
  leakageSuspect,
  type ModelSummary,
  pairedDm,
} from "./promotion.ts";

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

// A current champion is defended on the same folds.
const drift = (o: Partial<ModelSummary>): ModelSummary => ({
  ...xgb(o),
  model: "drift",
  ...o,
});
const winner = xgb({ mase: 0.985, dmP1: 0.01, dmStat1: -2.6, dirAcc: 0.53 });

Deno.test("decideChampion() without a current champion is the usual rule", () => {
  assert.deepEqual(decideChampion([naive, winner], {}), decideChampion([naive, winner]));
});

Deno.test("decideChampion() keeps the current champion a candidate beat no change but not it", () => {
  // drift still beats no change on MASE (its DM test is not significant, so it is not the pick).
  const cur = drift({ mase: 0.982, dmP1: 0.2, dmStat1: -1.2 });
  const v = decideChampion([naive, cur, winner], { current: "drift" });
  assert.equal(v.champion, "drift");
  assert.equal(
    v.reason,
    "xgboost beat no change (MASE 0.985, DM p 0.010 at h=1, 80% coverage 80.0%) but not the " +
      "current champion drift (MASE 0.985 vs 0.982 on the same folds); drift stays",
  );
});

Deno.test("decideChampion() needs a significant DM test against the current champion when there is one", () => {
  const cur = drift({ mase: 0.99, dmP1: 0.03, dmStat1: -2.2 });
  const better = xgb({ mase: 0.981, dmP1: 0.001, dmStat1: -3.3 });
  const notSig = decideChampion([naive, cur, better], {
    current: "drift",
    versusCurrent: { xgboost: { stat: -1.1, p: 0.27 } },
  });
  assert.equal(notSig.champion, "drift");
  assert.match(
    notSig.reason,
    /but not the current champion drift significantly \(MASE 0\.981 vs 0\.990 on the same folds, DM p 0\.270 at h=1\); drift stays$/,
  );
  const sig = decideChampion([naive, cur, better], {
    current: "drift",
    versusCurrent: { xgboost: { stat: -2.5, p: 0.012 } },
  });
  assert.equal(sig.champion, "xgboost");
  assert.match(
    sig.reason,
    /^xgboost beat no change: .*; it also beat the current champion drift on the same folds \(MASE 0\.981 vs 0\.990, DM p 0\.012 at h=1\)$/,
  );
  // No paired test available (NaN): the lower MASE is enough.
  const nan = decideChampion([naive, cur, better], {
    current: "drift",
    versusCurrent: { xgboost: { stat: NaN, p: NaN } },
  });
  assert.equal(nan.champion, "xgboost");
});

Deno.test("decideChampion() keeps a current champion that no change does not beat", () => {
  const cur = xgb({ mase: 0.99, dmP1: 0.2, dmStat1: -1.3 });
  const v = decideChampion([naive, cur], {
    current: "xgboost",
    versusCurrent: { naive: { stat: 1.3, p: 0.2 } },
  });
  assert.equal(v.champion, "xgboost");
  assert.match(
    v.reason,
    /^no model beat no change: xgboost MASE 0\.990 .*; no change did not beat the current champion xgboost \(MASE 1\.000 vs 0\.990 on the same folds, DM p 0\.200 at h=1\); xgboost stays$/,
  );
});

Deno.test("decideChampion() lets a current champion go that no longer beats no change", () => {
  const worse = decideChampion([naive, xgb({ mase: 1.02 })], { current: "xgboost" });
  assert.equal(worse.champion, "naive");
  assert.match(worse.reason, /current champion xgboost no longer beats no change .*MASE 1\.020/);
  // Still better on MASE, but its intervals no longer cover.
  const uncovered = decideChampion([naive, xgb({ mase: 0.99, coverage80: 0.62 })], {
    current: "xgboost",
  });
  assert.equal(uncovered.champion, "naive");
  assert.match(uncovered.reason, /80% coverage 62\.0%\), so the usual rule decides$/);
  // Beside another winner, the winner takes over.
  const v = decideChampion([naive, drift({ mase: 1.01 }), winner], { current: "drift" });
  assert.equal(v.champion, "xgboost");
});

Deno.test("decideChampion() falls back to the usual rule when the current champion is now a leakage suspect", () => {
  const v = decideChampion([naive, drift({ mase: 0.95 }), winner], { current: "drift" });
  assert.equal(v.champion, "xgboost");
  assert.deepEqual(v.suspects, ["drift"]);
  assert.match(
    v.reason,
    /current champion drift is now a leakage suspect \(MASE 0\.950 is below 0\.98\), so the usual rule decides$/,
  );
});

Deno.test("decideChampion() falls back to the usual rule when the current champion is no longer evaluated", () => {
  for (const current of ["lstm", "seed-reference"]) {
    const v = decideChampion([naive, winner], { current });
    assert.equal(v.champion, "xgboost");
    assert.match(v.reason, new RegExp(`current champion ${current} is no longer evaluated`));
  }
  const none = decideChampion([naive, xgb({})], { current: "lstm" });
  assert.equal(none.champion, "naive");
});

Deno.test("decideChampion() replaces no change as champion by the usual rule", () => {
  const v = decideChampion([naive, winner], { current: "naive" });
  assert.equal(v.champion, "xgboost");
  assert.match(v.reason, /^xgboost beat no change: MASE 0\.985.*; no change was the champion$/);
  // And the current champion that is the pick again stays, with the usual reason.
  assert.deepEqual(
    decideChampion([naive, winner], { current: "xgboost" }),
    decideChampion([naive, winner]),
  );
});

Deno.test("leakageSuspect() flags a leak at h=1 that the horizon average hides", () => {
  // MASE 0.80 at h=1 and 1.00 at the 24 others averages 0.992: only h=1 gives it away.
  const atH1 = xgb({ mase: 0.992, mase1: 0.8, dmP1: 0.001, dmStat1: -6 });
  assert.ok(leakageSuspect(atH1));
  assert.equal(leakageReason(atH1), "MASE 0.800 at h=1 is below 0.98");
  const dir1 = xgb({ mase: 0.99, dirAcc: 0.51, dirAcc1: 0.62, dmP1: 0.001, dmStat1: -4 });
  assert.equal(leakageReason(dir1), "directional accuracy 0.620 at h=1 is above 0.55");
  for (const s of [atH1, dir1]) {
    const v = decideChampion([naive, s]);
    assert.equal(v.champion, "naive");
    assert.deepEqual(v.suspects, ["xgboost"]);
  }
  assert.match(
    decideChampion([naive, atH1]).reason,
    /xgboost MASE 0\.992 \(DM p 0\.001 at h=1\) flagged as a leakage suspect \(MASE 0\.800 at h=1 is below 0\.98\)/,
  );
  // Overall and h=1 breaches are both named.
  assert.equal(
    leakageReason(xgb({ mase: 0.95, mase1: 0.9 })),
    "MASE 0.950 is below 0.98; MASE 0.900 at h=1 is below 0.98",
  );
  // Honest figures at h=1 (or none recorded) raise no flag; the honest winner is promoted.
  const honest = { ...winner, mase1: 0.981, dirAcc1: 0.54 };
  assert.equal(leakageReason(honest), undefined);
  assert.equal(leakageReason(winner), undefined);
  assert.equal(decideChampion([naive, honest]).champion, "xgboost");
  // A current champion leaking at h=1 loses its defence, and the reason says why.
  const v = decideChampion([naive, { ...drift({ mase: 0.99 }), dirAcc1: 0.6 }, honest], {
    current: "drift",
  });
  assert.equal(v.champion, "xgboost");
  assert.match(
    v.reason,
    /current champion drift is now a leakage suspect \(directional accuracy 0\.600 at h=1 is above 0\.55\), so the usual rule decides$/,
  );
});

Deno.test("pairedDm() tests two models on the origins both were evaluated on", () => {
  const pt = (model: number, origin: number, e: number, h = 1) => ({
    fold: 0,
    origin,
    h,
    y: 0,
    yhat: -e * model,
    half: {},
  });
  const a = Array.from({ length: 20 }, (_, i) => pt(1, i, 0.01 * ((i % 3) + 1)));
  const b = Array.from({ length: 20 }, (_, i) => pt(1, i, 0.02 * ((i % 4) + 1)));
  const t = pairedDm(a, [...b, pt(1, 99, 5), pt(1, 0, 7, 2)], 1);
  assert.ok(t.stat < 0 && t.p < 0.05, JSON.stringify(t));
  const back = pairedDm(b, a, 1);
  assert.ok(Math.abs(back.stat + t.stat) < 1e-12 && Math.abs(back.p - t.p) < 1e-12);
});
