/**
 * Model cards: what a version predicts, on what data, and how well against
 * the baselines — written beside each artifact as `card.md`.
 *
 * @module
 */
import type { Fold } from "./evaluation/folds.ts";
import type { ModelSummary, Verdict } from "./promotion.ts";
import type { ModelArtifact } from "./registry.ts";

const DESCRIPTIONS: Record<string, string> = {
  naive: "No change: the forecast log return is 0 at every horizon (the price stays where it is).",
  drift: "Drift: the mean log return of the training window, per horizon.",
  xgboost: "XGBoost (ml-xgboost, `hist`), one booster per horizon, on the causal `core` features.",
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
  ctx: { summaries: ModelSummary[]; verdict: Verdict; suspect: boolean; folds: Fold[] },
): string {
  const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  const hs = a.horizons.map((h) => h.h);
  const sample = a.series.exchange === "sample"
    ? "\n> **Sample data**: trained on the embedded SYNTHETIC market, not real prices.\n"
    : "";
  const suspect = ctx.suspect
    ? "\n> **Leakage suspect**: MASE below 0.98 or directional accuracy above 0.55 on crypto returns is what look-ahead looks like. Not promoted.\n"
    : "";
  return `# Model card — ${a.version_id}
${sample}${suspect}
- **Predicts**: the log return of ${a.series.symbol} (${a.series.exchange}, ${a.series.timeframe}) over the next ${
    hs[0]
  }–${hs[hs.length - 1]} candles, with ${
    a.levels.map((l) => `${l * 100}%`).join(" / ")
  } intervals; prices are rebuilt as close × exp(return).
- **Model**: ${DESCRIPTIONS[a.model] ?? a.model}
- **Intervals**: split-conformal on the last 20% of the training window, scaled by EWMA volatility (λ = ${a.sigma.lambda}) × √h.
- **Data**: ${a.data.start} → ${a.data.end} (fingerprint \`${a.data.fingerprint}\`).
- **Features**: \`${a.feature_set}\` (sha256 \`${a.feature_set_hash.slice(0, 16)}…\`): ${
    a.feature_columns.join(", ")
  }.
- **Seed**: ${a.seed}. **Run**: \`${a.run_id}\`.

## Walk-forward evaluation (${ctx.folds.length} expanding folds, embargo of h candles)

Test blocks: ${ctx.folds.map((x) => `${day(x.testStart)} → ${day(x.testEnd)}`).join("; ")}.

| model | MASE vs naive | directional accuracy | 80% coverage | DM p (h=1) |
| --- | --- | --- | --- | --- |
${
    ctx.summaries.map((s) =>
      `| ${s.model}${s.model === a.model ? " (this)" : ""} | ${f(s.mase)} | ${f(s.dirAcc)} | ${
        f(s.coverage80 * 100, 1)
      }% | ${f(s.dmP1)} |`
    ).join("\n")
  }

**Champion decision**: ${ctx.verdict.champion} — ${ctx.verdict.reason}.

Not financial advice.
`;
}
