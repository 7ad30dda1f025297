// Arquero's browser build: its ESM source imports node:fs and node:stream (file loading), which
// Framework's bundler leaves in, so the browser cannot load it.
import aq from "arquero/dist/arquero.js";
import * as Plot from "@observablehq/plot";
import { plot } from "./plot.js";
import { formatMetric } from "./format.js";

// Arquero parses table expressions such as `(d) => op.sum(d.n)` and needs the name `op`.
const { op } = aq;

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

const DASHES = ["", "6,3", "2,3", "8,3,2,3", "1,2"];

/**
 * One metric of each model across horizons: one line per model, told apart by dash pattern and a
 * label at its right end (not by colour), with a reference level (1: the baseline) as a dashed rule.
 * series: { horizons: [1, 2, …] }; runs: [{ model, metrics: { [metric]: [...by horizon] } }].
 * @example metricByHorizon(series, series.runs, { width, metric: "mase", label: "MASE", baseline: "the naive forecast" })
 */
export function metricByHorizon(series, runs, {
  width = 640,
  metric = "mase",
  label = "MASE",
  baseline = "the naive forecast",
  isChampion = () => false,
} = {}) {
  const rows = runs.flatMap((r) =>
    series.horizons.map((h, i) => ({
      model: `${r.model}${isChampion(r) ? " ★" : ""}`,
      horizon: h,
      value: r.metrics[metric]?.[i] ?? null,
    }))
  ).filter((d) => d.value != null);
  // Per model: its lowest value, the first horizon that reaches it, how many horizons are below 1.
  const perModel = rows.length === 0 ? [] : aq.from(rows)
    .groupby("model")
    .derive({ lowest: op.min("value") })
    .rollup({
      lowest: op.any("lowest"),
      at: (d) => op.min(d.value === d.lowest ? d.horizon : null),
      beat: (d) => op.sum(d.value < 1 ? 1 : 0),
      n: op.count(),
    })
    .objects();
  const models = perModel.map((m) => m.model);
  const summary = perModel.map((m) =>
    `${m.model}: lowest ${
      formatMetric(m.lowest)
    } at h=${m.at}, below 1 at ${m.beat} of ${m.n} horizons`
  );
  return plot({
    width,
    height: 300,
    marginRight: 150,
    title: `${label} by horizon`,
    caption: rows.length
      ? `${label} of each model at every horizon (lower is better; the dashed rule at 1 is ${baseline}). ${
        summary.join("; ")
      }.`
      : `No ${label} per horizon recorded for this series.`,
    ariaLabel: `${label} by horizon`,
    x: {
      label: "Horizon (steps ahead) →",
      ticks: series.horizons.length > 12 ? undefined : series.horizons,
    },
    y: { grid: true, label, zero: false },
    marks: [
      Plot.ruleY([1], { strokeDasharray: "4,3", stroke: "var(--theme-foreground-muted)" }),
      ...models.map((m, i) =>
        Plot.line(rows.filter((d) => d.model === m), {
          x: "horizon",
          y: "value",
          stroke: m.endsWith("★") ? "var(--theme-foreground-focus)" : "var(--theme-foreground)",
          strokeWidth: m.endsWith("★") ? 2.5 : 1.5,
          strokeDasharray: DASHES[i % DASHES.length] || null,
          marker: "circle-stroke",
          ariaDescription: m,
        })
      ),
      Plot.text(
        rows,
        Plot.selectLast({
          x: "horizon",
          y: "value",
          z: "model",
          text: "model",
          dx: 8,
          textAnchor: "start",
        }),
      ),
    ],
  });
}
