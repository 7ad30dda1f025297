/**
 * Who becomes champion: a pure rule over walk-forward metrics.
 *
 * "No change" (naive) is the champion unless a challenger beats it clearly:
 * mean MASE below 1, a Diebold–Mariano test at horizon 1 that says it is
 * significantly more accurate (p < 0.05), and 80% intervals that covered
 * 70–90% out of sample. A return model that looks too good — MASE below
 * 0.98 or directional accuracy above 0.55, averaged over the horizons or at
 * h=1 alone — is flagged as a leakage suspect and never promoted: on crypto
 * returns that is what leakage looks like. A leak through one feature often
 * shows at h=1 only, where an average over 24 horizons hides it.
 * Reference rows (the seed's setup, `seed-reference`) are shown beside the
 * others and never promoted.
 *
 * A champion already in place is defended. Every kind is re-evaluated on the
 * same folds in each run, so the pick above (the candidate) displaces the
 * current champion only if it also beats it there: a lower MASE and, where
 * the paired test is available, a Diebold–Mariano test at horizon 1 that
 * says it is significantly more accurate than the current champion.
 * Otherwise the current champion's kind stays (its freshly retrained
 * version). The defence lapses — and the rule above decides alone — when
 * the current champion is now a leakage suspect, is no longer evaluated, or
 * no longer beats no change (MASE below 1 or a significant DM test) with
 * calibrated intervals.
 *
 * @module
 */
import type { BacktestPoint } from "../evaluation/walkforward.ts";
import { dieboldMariano } from "../evaluation/metrics.ts";
import type { MetricRow } from "../evaluation/score.ts";

/** Overall walk-forward figures of one model ("h=1" is the first horizon evaluated). */
export interface ModelSummary {
  model: string;
  /** MASE against no change, averaged over the horizons. */
  mase: number;
  /** Directional accuracy, averaged over the horizons. */
  dirAcc: number;
  coverage80: number;
  dmP1: number;
  dmStat1: number;
  /** MASE at h=1; missing when not recorded (reference rows), then not judged. */
  mase1?: number;
  /** Directional accuracy at h=1; missing when not recorded, then not judged. */
  dirAcc1?: number;
}

/** A Diebold–Mariano result: negative `stat` means the first model is more accurate. */
export interface DmTest {
  stat: number;
  p: number;
}

/** The verdict for a series. */
export interface Verdict {
  champion: string;
  reason: string;
  suspects: string[];
}

/** What {@link decideChampion} knows besides this run's summaries. */
export interface DecideOptions {
  /** The kind of the series' champion before this run; none on a first run. */
  current?: string;
  /**
   * Per model kind, its DM test against the current champion's kind at the
   * first horizon on the same origins (see {@link pairedDm}). Missing or
   * non-finite: the MASE comparison decides alone.
   */
  versusCurrent?: Readonly<Record<string, DmTest>>;
}

/** Models evaluated for comparison only: never champion, whatever their figures. */
export const NEVER_PROMOTED: ReadonlySet<string> = new Set(["seed-reference"]);

/** Below this MASE, or above this directional accuracy, a return model is a leakage suspect. */
export const LEAKAGE_LIMITS = { mase: 0.98, dirAcc: 0.55 } as const;

/** True when a return model's figures look too good to be honest (see {@link leakageReason}). */
export function leakageSuspect(s: ModelSummary): boolean {
  return leakageReason(s) !== undefined;
}

/**
 * Which figures look too good — over all horizons or at h=1 — or `undefined`
 * when none does.
 *
 * @example
 * ```ts
 * leakageReason({ ...summary, mase: 0.992, mase1: 0.8 }); // "MASE 0.800 at h=1 is below 0.98"
 * ```
 */
export function leakageReason(s: ModelSummary): string | undefined {
  const { mase, dirAcc } = LEAKAGE_LIMITS;
  const breaches: string[] = [];
  const judge = (m: number, d: number, at: string) => {
    if (m < mase) breaches.push(`MASE ${f(m)}${at} is below ${mase}`);
    if (d > dirAcc) breaches.push(`directional accuracy ${f(d)}${at} is above ${dirAcc}`);
  };
  judge(s.mase, s.dirAcc, "");
  judge(s.mase1 ?? NaN, s.dirAcc1 ?? NaN, " at h=1");
  return breaches.length ? breaches.join("; ") : undefined;
}

const significant = (t: DmTest | undefined) => t !== undefined && t.stat < 0 && t.p < 0.05;
const calibrated = (s: ModelSummary) => s.coverage80 >= 0.7 && s.coverage80 <= 0.9;
const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");

/**
 * Picks the champion among summaries; `naive` must be among them. With
 * `options.current`, the current champion's kind is kept unless the pick
 * beats it on the same folds (see the module doc).
 *
 * @example
 * ```ts
 * decideChampion([{ model: "naive", mase: 1, ... }, { model: "xgboost", mase: 1.01, ... }]);
 * // { champion: "naive", reason: "no model beat no change: xgboost MASE 1.010 …", … }
 * decideChampion(summaries, { current: "drift", versusCurrent: { xgboost: { stat: -0.4, p: 0.7 } } });
 * // { champion: "drift", reason: "xgboost beat no change (…) but not the current champion drift (…); drift stays", … }
 * ```
 */
export function decideChampion(
  summaries: readonly ModelSummary[],
  options: DecideOptions = {},
): Verdict {
  const v = versusNaive(summaries);
  const { current, versusCurrent = {} } = options;
  if (current === undefined || current === v.champion) return v;
  const cur = summaries.find((s) => s.model === current);
  const lapse = (why: string): Verdict => ({ ...v, reason: `${v.reason}; ${why}` });
  if (!cur || NEVER_PROMOTED.has(current)) {
    return lapse(
      `the current champion ${current} is no longer evaluated, so the usual rule decides`,
    );
  }
  if (current === "naive") {
    // The pick beat no change on these folds, which is beating the current champion.
    return lapse("no change was the champion");
  }
  if (v.suspects.includes(current)) {
    return lapse(
      `the current champion ${current} is now a leakage suspect (${
        leakageReason(cur)
      }), so the usual rule decides`,
    );
  }
  if (!((cur.mase < 1 || significant({ stat: cur.dmStat1, p: cur.dmP1 })) && calibrated(cur))) {
    return lapse(
      `the current champion ${current} no longer beats no change with calibrated intervals ` +
        `(MASE ${f(cur.mase)}, DM p ${f(cur.dmP1)} at h=1, 80% coverage ${
          f(cur.coverage80 * 100, 1)
        }%), so the usual rule decides`,
    );
  }
  const cand = summaries.find((s) => s.model === v.champion)!;
  const dm = versusCurrent[cand.model];
  const dmKnown = dm !== undefined && Number.isFinite(dm.stat) && Number.isFinite(dm.p);
  const dmText = dmKnown ? `, DM p ${f(dm.p)} at h=1` : "";
  if (cand.mase < cur.mase && (!dmKnown || significant(dm))) {
    return {
      ...v,
      reason: `${v.reason}; it also beat the current champion ${current} on the same folds ` +
        `(MASE ${f(cand.mase)} vs ${f(cur.mase)}${dmText})`,
    };
  }
  const how = cand.mase < cur.mase ? " significantly" : "";
  const versus = `the current champion ${current}${how} (MASE ${f(cand.mase)} vs ${
    f(cur.mase)
  } on the same folds${dmText}); ${current} stays`;
  return {
    champion: current,
    reason: cand.model === "naive"
      ? `${v.reason}; no change did not beat ${versus}`
      : `${cand.model} beat no change (${details(cand)}) but not ${versus}`,
    suspects: v.suspects,
  };
}

const details = (w: ModelSummary) =>
  `MASE ${f(w.mase)}, DM p ${f(w.dmP1)} at h=1, 80% coverage ${f(w.coverage80 * 100, 1)}%`;

/** The usual rule: the best model that clearly beats no change, else no change. */
function versusNaive(summaries: readonly ModelSummary[]): Verdict {
  const suspects = summaries.filter((s) =>
    s.model !== "naive" && !NEVER_PROMOTED.has(s.model) && leakageSuspect(s)
  ).map((s) => s.model);
  const winners = summaries
    .filter((s) =>
      s.model !== "naive" && !suspects.includes(s.model) && !NEVER_PROMOTED.has(s.model)
    )
    .filter((s) => s.mase < 1 && significant({ stat: s.dmStat1, p: s.dmP1 }) && calibrated(s))
    .sort((a, b) => a.mase - b.mase);
  if (winners.length > 0) {
    const w = winners[0];
    return {
      champion: w.model,
      reason: `${w.model} beat no change: ${details(w)}`,
      suspects,
    };
  }
  const others = summaries.filter((s) => s.model !== "naive").map((s) =>
    `${s.model} MASE ${f(s.mase)} (DM p ${f(s.dmP1)} at h=1)` +
    (suspects.includes(s.model) ? ` flagged as a leakage suspect (${leakageReason(s)})` : "") +
    (NEVER_PROMOTED.has(s.model) ? " (reference, never promoted)" : "")
  );
  return {
    champion: "naive",
    reason: `no model beat no change${others.length ? ": " + others.join("; ") : ""}`,
    suspects,
  };
}

/**
 * Diebold–Mariano test of `a` against `b` at horizon `h`, on the origins
 * both were evaluated on (matched by fold and origin). Negative `stat`:
 * `a` is more accurate.
 *
 * @example
 * ```ts
 * const t = pairedDm(xgbPoints, driftPoints, 1); // { stat, p }
 * ```
 */
export function pairedDm(
  a: readonly BacktestPoint[],
  b: readonly BacktestPoint[],
  h: number,
): DmTest {
  const key = (p: BacktestPoint) => `${p.fold}|${p.origin}`;
  const bBy = new Map(b.filter((p) => p.h === h).map((p) => [key(p), p]));
  const pairs = a.filter((p) => p.h === h && bBy.has(key(p)))
    .sort((x, y) => x.fold - y.fold || x.origin - y.origin);
  return dieboldMariano(
    pairs.map((p) => p.y - p.yhat),
    pairs.map((p) => {
      const q = bBy.get(key(p))!;
      return q.y - q.yhat;
    }),
    h,
  );
}

/**
 * A model's overall figures from its metric rows (`score.ts` names): over
 * all folds, averaged over the horizons, and the DM test at the first
 * horizon `h1`; with `atH1`, also MASE and directional accuracy at `h1`.
 *
 * @example
 * ```ts
 * const s = summaryOf("xgboost", rows, 1, { atH1: true });
 * ```
 */
export function summaryOf(
  model: string,
  rows: readonly MetricRow[],
  h1: number,
  options: { atH1?: boolean } = {},
): ModelSummary {
  const overall = (m: string, h: number | null = null) =>
    rows.find((r) => r.fold === null && r.horizon === h && r.metric === m)?.value ?? NaN;
  const summary: ModelSummary = {
    model,
    mase: overall("mase"),
    dirAcc: overall("dir_acc"),
    coverage80: overall("coverage_80"),
    dmP1: overall("dm_p", h1),
    dmStat1: overall("dm_stat", h1),
  };
  if (!options.atH1) return summary;
  // A leak often shows at the first horizon only, hidden by the average over all of them.
  return { ...summary, mase1: overall("mase", h1), dirAcc1: overall("dir_acc", h1) };
}
