/**
 * Model cards: what a version predicts, on what data, and how well against
 * the baselines — written beside each artifact as `card.md`.
 *
 * @module
 */
import type { Fold } from "../evaluation/folds.ts";
import type { MetricRow } from "../evaluation/score.ts";
import { REGIMES } from "../evaluation/regimes.ts";
import { LEAKAGE_LIMITS, leakageReason, type ModelSummary, type Verdict } from "./promotion.ts";
import type { ModelArtifact } from "./versions.ts";
import type { VolSummary } from "../research/volatility.ts";

const DESCRIPTIONS: Record<string, string> = {
  naive: "No change: the forecast log return is 0 at every horizon (the price stays where it is).",
  drift: "Drift: the mean log return of the training window, per horizon.",
  xgboost: "XGBoost (ml-xgboost, `hist`), one booster per horizon, on the causal `core` features.",
  "seed-reference":
    "The seed project's setup, for reference: XGBoost on lagged closes and calendar, predicting the price level. Never promoted.",
};

/**
 * Renders a model card in Markdown.
 *
 * @example
 * ```ts
 * await Deno.writeTextFile("card.md", modelCard(artifact, { summaries, verdict, suspect: false, folds }));
 * ```
 */
export function modelCard(
  a: ModelArtifact,
  ctx: {
    summaries: ModelSummary[];
    verdict: Verdict;
    suspect: boolean;
    folds: Fold[];
    /** This model's metric rows; the volatility-regime ones are shown (see `regimes.ts`). */
    regimes?: readonly MetricRow[];
    /** The series' volatility models on the same folds (see `volatility.ts`). */
    volatility?: readonly VolSummary[];
  },
): string {
  const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  const hs = a.horizons.map((h) => h.h);
  const sample = a.series.exchange === "sample"
    ? "\n> **Sample data**: trained on the embedded SYNTHETIC market, not real prices.\n"
    : "";
  const own = ctx.summaries.find((s) => s.model === a.model);
  const breach = own && leakageReason(own);
  const suspect = ctx.suspect
    ? `\n> **Leakage suspect**: ${breach ? `${breach}. ` : ""}MASE below ${LEAKAGE_LIMITS.mase} ` +
      `or directional accuracy above ${LEAKAGE_LIMITS.dirAcc} (over the horizons or at h=1) ` +
      "on crypto returns is what look-ahead looks like. Not promoted.\n"
    : "";
  return `# Model card — ${a.version_id}
${sample}${suspect}
- **Predicts**: the log return of ${a.series.symbol} (${a.series.exchange}, ${a.series.timeframe}) over the next ${
    hs[0]
  }–${hs[hs.length - 1]} candles, with ${
    a.levels.map((l) => `${l * 100}%`).join(" / ")
  } intervals; prices are rebuilt as close × exp(return).
- **Model**: ${DESCRIPTIONS[a.model] ?? a.model}
- **Intervals**: conformal, scaled by EWMA volatility (λ = ${a.sigma.lambda}) × √h, with quantiles per volatility tercile of the calibration scores (Mondrian), so each regime gets its own width. In the walk-forward below, each fold's are calibrated on the last 20% of its training window; this version's on the latest folds' test residuals (cross-conformal).
- **Fit**: ${fitWindow(a)}
- **Data**: ${a.data.start} → ${a.data.end} (fingerprint \`${a.data.fingerprint}\`).
- **Features**: \`${a.feature_set}\` (sha256 \`${a.feature_set_hash.slice(0, 16)}…\`): ${
    a.feature_columns.join(", ")
  }.
- **Seed**: ${a.seed}. **Run**: \`${a.run_id}\`.

## Walk-forward evaluation (${ctx.folds.length} expanding folds, embargo of h candles)

Test blocks: ${ctx.folds.map((x) => `${day(x.testStart)} → ${day(x.testEnd)}`).join("; ")}.

| model | MASE vs naive | directional accuracy | MASE (h=1) | directional accuracy (h=1) | 80% coverage | DM p (h=1) |
| --- | --- | --- | --- | --- | --- | --- |
${
    ctx.summaries.map((s) =>
      `| ${s.model}${s.model === a.model ? " (this)" : ""} | ${f(s.mase)} | ${f(s.dirAcc)} | ${
        f(s.mase1 ?? NaN)
      } | ${f(s.dirAcc1 ?? NaN)} | ${f(s.coverage80 * 100, 1)}% | ${f(s.dmP1)} |`
    ).join("\n")
  }

${
    ctx.summaries.some((s) => s.model === "seed-reference")
      ? "\n`seed-reference` is the seed project's setup (XGBoost on lagged price levels and calendar), scored on the first, middle and last horizons; trees cannot extrapolate a price they have not seen. Never promoted.\n"
      : ""
  }
**Champion decision**: ${ctx.verdict.champion} — ${ctx.verdict.reason}.
${regimeSection(ctx.regimes ?? [])}${volatilitySection(ctx.volatility ?? [])}
Not financial advice.
`;
}

const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");

/** Where this version's models were fitted and their intervals calibrated (over its horizons). */
function fitWindow(a: ModelArtifact): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  const range = (xs: number[]) => {
    const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
    return lo === hi ? `${lo}` : `${lo}–${hi}`;
  };
  const fit = a.horizons.map((m) => m.trainedOn);
  const cal = a.horizons.map((m) => m.calibratedOn);
  const window = `origins ${day(Math.min(...fit.map((t) => t.from)))} → ${
    day(Math.max(...fit.map((t) => t.to)))
  } (${range(fit.map((t) => t.rows))} per horizon`;
  if (cal.some((c) => !c)) {
    return `${window}); intervals calibrated on the origins after them.`;
  }
  const c = cal as NonNullable<(typeof cal)[number]>[];
  const folds = range(c.map((x) => x.folds));
  const blocks = folds === "1"
    ? "the latest fold's test block"
    : `the latest ${folds} folds' test blocks`;
  return `${window}: every origin whose target is known); intervals calibrated on ${
    range(c.map((x) => x.n))
  } out-of-sample walk-forward residuals per horizon (${blocks}, ${
    day(Math.min(...c.map((x) => x.from)))
  } → ${day(Math.max(...c.map((x) => x.to)))}).`;
}

/** Interval coverage and width per volatility regime (overall rows), or nothing. */
function regimeSection(rows: readonly MetricRow[]): string {
  const v = (m: string) =>
    rows.find((r) => r.fold === null && r.horizon === null && r.metric === m)?.value ?? NaN;
  if (!Number.isFinite(v("coverage_80_vol_low"))) return "";
  const pct = (x: number) => `${fmt(x * 100, 1)}%`;
  const line = (name: string, suffix: string, n: number) =>
    `| ${name} | ${Number.isFinite(n) ? Math.round(n) : "n/a"} | ${
      pct(v(`coverage_50${suffix}`))
    } | ${pct(v(`coverage_80${suffix}`))} | ${pct(v(`coverage_95${suffix}`))} | ${
      pct(v(`width_80${suffix}`))
    } |`;
  return `
## Intervals by volatility regime

Test origins split into terciles of their forecast volatility (EWMA σ, known at the origin), pooled
over every fold per horizon, so each regime holds a third of them. The split only groups the scores:
no forecast uses it. Coverage should be near nominal in every regime; width is a fraction of the
origin price (mean over horizons).

| regime | origins per horizon | 50% coverage | 80% coverage | 95% coverage | 80% width |
| --- | --- | --- | --- | --- | --- |
| all | ${fmt(v("n"), 0)} | ${pct(v("coverage_50"))} | ${pct(v("coverage_80"))} | ${
    pct(v("coverage_95"))
  } | ${pct(v("width_80"))} |
${REGIMES.map((r) => line(r, `_vol_${r}`, v(`n_vol_${r}`))).join("\n")}
`;
}

/** The series' volatility forecasters on the same folds, or nothing. */
function volatilitySection(vol: readonly VolSummary[]): string {
  if (vol.length === 0) return "";
  return `
## Volatility forecasts on the same folds

Target: the realized volatility of the next h candles. HAR and XGBoost, fitted to realized
volatility (its mean), are calibrated by a variance scale fitted inside each fold's training
window; EWMA and the unconditional variance are used as they are. QLIKE: lower is better; ratios
below 1 beat the reference. vol:xgboost runs on the first, middle and last horizons only: compare
it by its ratios.

| model | QLIKE | QLIKE before calibration | vs EWMA | vs unconditional | RMSE of vol |
| --- | --- | --- | --- | --- | --- |
${
    vol.map((s) =>
      `| ${s.model} | ${fmt(s.qlike, 4)} | ${fmt(s.qlikeRaw, 4)} | ${fmt(s.qlikeVsEwma)} | ${
        fmt(s.qlikeVsUnconditional)
      } | ${fmt(s.rmseVol, 5)} |`
    ).join("\n")
  }
`;
}
