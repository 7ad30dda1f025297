import * as Plot from "@observablehq/plot";

/**
 * Plot.plot with accessible markup: Plot labels each mark's <g> with aria-label but gives it no
 * role, which assistive technology ignores and axe flags; each becomes a labelled group.
 * @example plot({ width, caption: "Close, last 48 candles", marks: [Plot.lineY(candles, { x: "ts", y: "close" })] })
 */
export function plot(options) {
  // Framework's reactive width can be 0 before layout; never draw narrower than a phone.
  const node = Plot.plot({ ...options, width: Math.max(options.width ?? 640, 240) });
  for (const g of node.querySelectorAll("g[aria-label]")) g.setAttribute("role", "group");
  return node;
}
