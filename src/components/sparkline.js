import * as Plot from "@observablehq/plot";
import { plot } from "./plot.js";

/**
 * A small line of recent closes with the last point marked.
 * @example sparkline([64010, 64200, 64650.9], { width: 160, height: 40, label: "BTC/USDT 1h closes" })
 */
export function sparkline(values, { width = 160, height = 40, label = "recent closes" } = {}) {
  const data = values.map((y, i) => ({ i, y })).filter((d) => d.y != null);
  return plot({
    width,
    height,
    margin: 3,
    axis: null,
    ariaLabel: label,
    y: { zero: false },
    marks: [
      Plot.lineY(data, {
        x: "i",
        y: "y",
        stroke: "var(--theme-foreground-focus)",
        strokeWidth: 1.5,
      }),
      Plot.dot(data.slice(-1), { x: "i", y: "y", r: 2.5, fill: "var(--theme-foreground-focus)" }),
    ],
  });
}
