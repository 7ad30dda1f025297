import * as Plot from "@observablehq/plot";
import { plot } from "./plot.js";
import { formatMetric } from "./format.js";

/**
 * MASE per model kind, with a rule at 1 (the naive forecast's error): bars left of the rule beat naive.
 * @example maseChart([{ model: "xgboost", value: 0.91, champion: true }, { model: "naive", value: 1 }], { width })
 */
export function maseChart(rows, { width = 640, title } = {}) {
  const data = rows.filter((r) => r.value != null);
  const best = data.reduce((a, b) => (b.value < a.value ? b : a), data[0]);
  const caption = data.length
    ? `Walk-forward MASE per model (all folds; lower is better; 1 = the naive last-value forecast). ` +
      data.map((r) => `${r.model}${r.champion ? " (champion)" : ""} ${formatMetric(r.value)}`).join(
        ", ",
      ) +
      `. Lowest: ${best.model}.`
    : "No walk-forward MASE recorded for this series.";
  return plot({
    width,
    height: 40 + 34 * Math.max(1, data.length),
    marginLeft: 140,
    title,
    caption,
    ariaLabel: "MASE by model",
    x: {
      grid: true,
      label: "MASE (lower is better)",
      domain: [0, Math.max(1.2, ...data.map((r) => r.value))],
    },
    y: { label: null, domain: data.map((r) => label(r)) },
    marks: [
      Plot.barX(data, {
        y: label,
        x: "value",
        fill: (
          r,
        ) => (r.champion ? "var(--theme-foreground-focus)" : "var(--theme-foreground-muted)"),
      }),
      Plot.text(data, {
        y: label,
        x: "value",
        text: (r) => formatMetric(r.value),
        dx: 4,
        textAnchor: "start",
      }),
      Plot.ruleX([1], { strokeDasharray: "4,3" }),
      Plot.text([1], {
        x: (d) => d,
        frameAnchor: "top",
        text: () => "naive = 1",
        dy: -2,
        dx: 4,
        textAnchor: "start",
      }),
    ],
  });
}

function label(r) {
  return r.champion ? `${r.model} ★ champion` : r.model;
}
