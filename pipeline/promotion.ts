/**
 * Who becomes champion: a pure rule over walk-forward metrics.
 *
 * "No change" (naive) is the champion unless a challenger beats it clearly:
 * mean MASE below 1, a Diebold–Mariano test at horizon 1 that says it is
 * significantly more accurate (p < 0.05), and 80% intervals that covered
 * 70–90% out of sample. A return model that looks too good — MASE below
 * 0.98 or directional accuracy above 0.55 — is flagged as a leakage suspect
 * and never promoted: on crypto returns that is what leakage looks like.
 * Reference rows (the seed's setup, `seed-reference`) are shown beside the
 * others and never promoted.
 *
 * @module
 */

/** Overall walk-forward figures of one model. */
export interface ModelSummary {
  model: string;
  mase: number;
  dirAcc: number;
  coverage80: number;
  dmP1: number;
  dmStat1: number;
}

/** The verdict for a series. */
export interface Verdict {
  champion: string;
  reason: string;
  suspects: string[];
}

/** Models evaluated for comparison only: never champion, whatever their figures. */
export const NEVER_PROMOTED: ReadonlySet<string> = new Set(["seed-reference"]);

/** True when a return model's figures look too good to be honest. */
export function leakageSuspect(s: ModelSummary): boolean {
  return s.mase < 0.98 || s.dirAcc > 0.55;
}

/**
 * Picks the champion among summaries; `naive` must be among them.
 *
 * @example
 * ```ts
 * decideChampion([{ model: "naive", mase: 1, ... }, { model: "xgboost", mase: 1.01, ... }]);
 * // { champion: "naive", reason: "no model beat no change: xgboost MASE 1.010 …", … }
 * ```
 */
export function decideChampion(summaries: readonly ModelSummary[]): Verdict {
  const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
  const suspects = summaries.filter((s) =>
    s.model !== "naive" && !NEVER_PROMOTED.has(s.model) && leakageSuspect(s)
  ).map((s) => s.model);
  const winners = summaries
    .filter((s) =>
      s.model !== "naive" && !suspects.includes(s.model) && !NEVER_PROMOTED.has(s.model)
    )
    .filter((s) =>
      s.mase < 1 && s.dmStat1 < 0 && s.dmP1 < 0.05 && s.coverage80 >= 0.7 && s.coverage80 <= 0.9
    )
    .sort((a, b) => a.mase - b.mase);
  if (winners.length > 0) {
    const w = winners[0];
    return {
      champion: w.model,
      reason: `${w.model} beat no change: MASE ${f(w.mase)}, DM p ${f(w.dmP1)} at h=1, ` +
        `80% coverage ${f(w.coverage80 * 100, 1)}%`,
      suspects,
    };
  }
  const others = summaries.filter((s) => s.model !== "naive").map((s) =>
    `${s.model} MASE ${f(s.mase)} (DM p ${f(s.dmP1)} at h=1)` +
    (suspects.includes(s.model) ? " flagged as a leakage suspect" : "") +
    (NEVER_PROMOTED.has(s.model) ? " (reference, never promoted)" : "")
  );
  return {
    champion: "naive",
    reason: `no model beat no change${others.length ? ": " + others.join("; ") : ""}`,
    suspects,
  };
}
