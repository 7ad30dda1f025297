/**
 * Signals judged as forecasters, on the same walk-forward folds as the
 * models: for every test origin of a fold (a candle in the fold's test block
 * with a known next-period return), the signal's value as of that candle's
 * close (the same point-in-time join as the features) against the next
 * candle's log return.
 *
 * What is measured depends on the signal's kind (horizon 1, per fold and
 * pooled over folds with `fold` NULL), stored in `run_metrics` under a
 * `model_runs` row whose `model` is `signal:<source>:<name>`:
 *
 * - every kind: `n` (origins with a value), `coverage` (their share of the
 *   test origins), `mean_ret:all`, and per bucket `n:<b>`, `mean_ret:<b>`,
 *   `mean_ret_lo:<b>`, `mean_ret_hi:<b>` (mean next-period log return and its
 *   95% Student-t interval); `p_value` and `informative` (1 when p < 0.05).
 * - **directional** (values in {-1, 0, 1}, e.g. Token Metrics'
 *   `trading_signal`): buckets `short`, `flat`, `long`; `hit_rate` (share of
 *   non-zero signals whose sign matches the next return's), `hit_rate_lo` /
 *   `hit_rate_hi` (95% Wilson), `hit_n`, and `hit_rate_null`, the hit rate a
 *   signal with the same long/short mix but no information would get from
 *   the up-rate; `p_value` tests hit_rate against it.
 * - **fear_greed** (a Fear & Greed index, 0–100): buckets `extreme_fear` (< 25),
 *   `fear` (< 45), `neutral` (≤ 55), `greed` (< 75), `extreme_greed`.
 * - **continuous** (anything else): buckets `low` / `high` around the median
 *   of the values seen before the fold's test block (causal).
 * - fear_greed and continuous also get `ic`, `ic_lo`, `ic_hi` (Spearman rank
 *   correlation with the next return, 95% Fisher interval) and `anova_p`
 *   (one-way ANOVA across buckets); `p_value` is the smaller of `ic_p` and
 *   `anova_p`, doubled (Bonferroni).
 *
 * @module
 */
import type { Warehouse } from "../../warehouse/db.ts";
import type { Fold } from "../evaluation/folds.ts";
import type { MetricRow } from "../evaluation/score.ts";
import type { Series } from "../../core/series.ts";
import {
  MAX_SIGNAL_AGE_DAYS,
  SIGNAL_FEATURES,
  signalColumn,
  type SignalSpec,
} from "../features/signals.ts";
import { anova, meanCi, proportionP, spearman, wilson } from "../../core/stats.ts";
import { recordRun, type RunMeta } from "../registry/mod.ts";

/** How a signal is read. */
export type SignalKind = "directional" | "fear_greed" | "continuous";

/** A signal's verdict on one series. */
export interface SignalJudgement {
  spec: SignalSpec;
  /** `signal:<source>:<name>`, the `model_runs.model`. */
  model: string;
  kind: SignalKind;
  rows: MetricRow[];
  /** Pooled over folds. */
  n: number;
  p: number;
  informative: boolean;
  /** One line for logs: what it showed. */
  headline: string;
}

/** The buckets of the Fear & Greed index, as its classes. */
export const FEAR_GREED_BUCKETS = [
  { bucket: "extreme_fear", below: 25 },
  { bucket: "fear", below: 45 },
  { bucket: "neutral", below: 55.000001 },
  { bucket: "greed", below: 75 },
  { bucket: "extreme_greed", below: Infinity },
] as const;

/**
 * The kind of a signal from its name and values.
 *
 * @example
 * ```ts
 * signalKind({ source: "fear-greed", name: "value" }, [40, 71]); // "fear_greed"
 * ```
 */
export function signalKind(spec: SignalSpec, values: readonly (number | null)[]): SignalKind {
  const known = values.filter((v): v is number => v !== null);
  if (known.length > 0 && known.every((v) => v === -1 || v === 0 || v === 1)) {
    return "directional";
  }
  if (spec.name === "value" && /fear|greed|fng/.test(spec.source)) return "fear_greed";
  return "continuous";
}

/** What {@link judgeSignal} needs: the frame's candles and the signal aligned to them. */
export interface JudgeInput {
  spec: SignalSpec;
  /** Candle open times (ms), oldest first. */
  ts: readonly number[];
  /** The signal as of each candle's close, or null. */
  values: readonly (number | null)[];
  /** Next-period log return at each candle (NaN when unknown). */
  y: readonly number[];
  folds: readonly Fold[];
}

/**
 * Scores one signal on the folds. Pure.
 *
 * @example
 * ```ts
 * const j = judgeSignal({ spec, ts: frame.ts, values: frame.signals[0], y, folds });
 * console.log(j.headline);
 * ```
 */
export function judgeSignal(input: JudgeInput): SignalJudgement {
  const { spec, ts, values, y, folds } = input;
  const kind = signalKind(spec, values);
  const rows: MetricRow[] = [];
  const pooled: { v: number; y: number; bucket: string }[] = [];
  let pooledTested = 0;
  for (const f of folds) {
    let threshold = NaN;
    if (kind === "continuous") {
      const before = values.filter((v, i): v is number => v !== null && ts[i] < f.testStart);
      threshold = median(before);
    }
    const obs: { v: number; y: number; bucket: string }[] = [];
    let tested = 0;
    for (let i = 0; i < ts.length; i++) {
      if (ts[i] < f.testStart || ts[i] >= f.testEnd || !Number.isFinite(y[i])) continue;
      tested++;
      const v = values[i];
      if (v === null) continue;
      obs.push({ v, y: y[i], bucket: bucketOf(kind, v, threshold) });
    }
    rows.push(...metricsOf(kind, obs, tested, f.fold));
    pooled.push(...obs);
    pooledTested += tested;
  }
  const all = metricsOf(kind, pooled, pooledTested, null);
  rows.push(...all);
  const get = (m: string) => all.find((r) => r.metric === m)?.value ?? NaN;
  const p = get("p_value");
  const informative = get("informative") === 1;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const verdict = informative ? "carried information (p < 0.05)" : "no evidence of information";
  const headline = kind === "directional"
    ? `hit rate ${pct(get("hit_rate"))} [${pct(get("hit_rate_lo"))}, ${
      pct(get("hit_rate_hi"))
    }] vs ${pct(get("hit_rate_null"))} by chance over ${get("hit_n")} signals: ${verdict}`
    : `rank IC ${get("ic").toFixed(3)} [${get("ic_lo").toFixed(3)}, ${
      get("ic_hi").toFixed(3)
    }] over ${pooled.length} candles: ${verdict}`;
  return {
    spec,
    model: `signal:${spec.source}:${spec.name}`,
    kind,
    rows,
    n: pooled.length,
    p,
    informative,
    headline,
  };
}

function bucketOf(kind: SignalKind, v: number, threshold: number): string {
  if (kind === "directional") return v > 0 ? "long" : v < 0 ? "short" : "flat";
  if (kind === "fear_greed") return FEAR_GREED_BUCKETS.find((b) => v < b.below)!.bucket;
  return v > threshold ? "high" : "low";
}

function bucketsOf(kind: SignalKind): string[] {
  if (kind === "directional") return ["short", "flat", "long"];
  if (kind === "fear_greed") return FEAR_GREED_BUCKETS.map((b) => b.bucket);
  return ["low", "high"];
}

function metricsOf(
  kind: SignalKind,
  obs: readonly { v: number; y: number; bucket: string }[],
  tested: number,
  fold: number | null,
): MetricRow[] {
  const rows: MetricRow[] = [];
  const add = (metric: string, value: number) => rows.push({ fold, horizon: 1, metric, value });
  add("n", obs.length);
  add("coverage", tested > 0 ? obs.length / tested : NaN);
  const m = meanCi(obs.map((o) => o.y));
  add("mean_ret:all", m.mean);
  const groups: number[][] = [];
  for (const b of bucketsOf(kind)) {
    const ys = obs.filter((o) => o.bucket === b).map((o) => o.y);
    groups.push(ys);
    const c = meanCi(ys);
    add(`n:${b}`, c.n);
    add(`mean_ret:${b}`, c.mean);
    add(`mean_ret_lo:${b}`, c.lo);
    add(`mean_ret_hi:${b}`, c.hi);
  }
  let p: number;
  if (kind === "directional") {
    const dir = obs.filter((o) => o.v !== 0);
    const hits = dir.filter((o) => Math.sign(o.y) === Math.sign(o.v)).length;
    const up = obs.length ? obs.filter((o) => o.y > 0).length / obs.length : NaN;
    const longs = dir.filter((o) => o.v > 0).length;
    const nul = dir.length ? (longs * up + (dir.length - longs) * (1 - up)) / dir.length : NaN;
    const [lo, hi] = wilson(hits, dir.length);
    add("hit_n", dir.length);
    add("hit_rate", dir.length ? hits / dir.length : NaN);
    add("hit_rate_lo", lo);
    add("hit_rate_hi", hi);
    add("hit_rate_null", nul);
    p = proportionP(hits, dir.length, nul);
  } else {
    const c = spearman(obs.map((o) => o.v), obs.map((o) => o.y));
    const a = anova(groups);
    add("ic", c.r);
    add("ic_lo", c.lo);
    add("ic_hi", c.hi);
    add("ic_p", c.p);
    add("anova_p", a.p);
    const ps = [c.p, a.p].filter(Number.isFinite);
    p = ps.length ? Math.min(1, ps.length * Math.min(...ps)) : NaN;
  }
  add("p_value", p);
  add("informative", Number.isFinite(p) && p < 0.05 ? 1 : 0);
  return rows;
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Writes each judgement as a run (`model` = `signal:<source>:<name>`, seed 0,
 * `feature_set` = `signals-v2` without a hash, horizons [1]) with its metric
 * rows, through the registry. Call inside the series' transaction. Returns
 * the run ids.
 *
 * @example
 * ```ts
 * await wh.transaction(() => recordJudgements(wh, series, judgements, meta));
 * ```
 */
export async function recordJudgements(
  wh: Warehouse,
  series: Series,
  judgements: readonly SignalJudgement[],
  meta: RunMeta,
): Promise<string[]> {
  const ids: string[] = [];
  for (const j of judgements) {
    ids.push(
      await recordRun(wh, series, {
        model: j.model,
        seed: 0,
        params: {
          source: j.spec.source,
          name: j.spec.name,
          column: signalColumn(j.spec),
          kind: j.kind,
          horizon: 1,
          target: "next candle's log return",
          join: "as of the candle's close on available_at",
          max_age_days: MAX_SIGNAL_AGE_DAYS,
          buckets: j.kind === "fear_greed"
            ? "extreme_fear <25, fear <45, neutral <=55, greed <75, extreme_greed"
            : j.kind === "directional"
            ? "short -1, flat 0, long 1"
            : "low/high around the median before each test block",
        },
        featureSet: { name: SIGNAL_FEATURES, hash: null },
        horizons: [1],
        metrics: j.rows,
      }, meta),
    );
  }
  return ids;
}
