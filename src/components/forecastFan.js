import * as Plot from "@observablehq/plot";
import { plot } from "./plot.js";
import { formatLevel, formatPrice } from "./format.js";
import { formatTime, timeScale } from "./timezone.js";

const OPACITY = { 0.5: 0.38, 0.8: 0.24, 0.95: 0.12 };

/**
 * Recent history, the champion's forecast path (yhat, dashed) and its interval bands, each band
 * labelled with its nominal coverage at the right edge so meaning is not carried by shade alone.
 * history: [{ts: Date, close}]; forecast: {points: [{ts: Date, horizon, yhat, lower, upper, level}],
 * model, version_id, issued_at}, or null.
 * @example forecastFan({ history: candles.slice(-72), forecast }, { width, title: "BTC/USDT · 1h", zone: "UTC" })
 */
export function forecastFan(
  { history, forecast },
  { width = 640, height = 320, title, zone = "UTC" } = {},
) {
  const last = history[history.length - 1];
  const points = forecast?.points ?? [];
  const levels = [...new Set(points.map((p) => p.level).filter((l) => l != null))].sort((a, b) =>
    b - a
  );
  // Every band starts at the last close, so the fan opens from what is known.
  const anchor = last
    ? { ts: last.ts, yhat: last.close, lower: last.close, upper: last.close }
    : null;
  const band = (level) => [...(anchor ? [anchor] : []), ...points.filter((p) => p.level === level)];
  const path = [...(anchor ? [anchor] : []), ...uniqueBy(points, (p) => p.horizon)];
  const tail = (level) => points.filter((p) => p.level === level).at(-1);
  const marks = [
    ...levels.map((level) =>
      Plot.areaY(band(level), {
        x: "ts",
        y1: "lower",
        y2: "upper",
        fill: "var(--theme-foreground-focus)",
        fillOpacity: OPACITY[level] ?? 0.2,
        ariaDescription: `${formatLevel(level)} interval`,
      })
    ),
    Plot.lineY(history, {
      x: "ts",
      y: "close",
      stroke: "var(--theme-foreground)",
      strokeWidth: 1.5,
      ariaDescription: "history",
    }),
    Plot.lineY(path, {
      x: "ts",
      y: "yhat",
      stroke: "var(--theme-foreground-focus)",
      strokeWidth: 2,
      strokeDasharray: "5,3",
      ariaDescription: "forecast path (yhat)",
    }),
    anchor
      ? Plot.ruleX([anchor.ts], { stroke: "var(--theme-foreground-muted)", strokeDasharray: "2,3" })
      : null,
    anchor
      ? Plot.text([anchor], {
        x: "ts",
        y: "yhat",
        text: () => "last close",
        dy: -10,
        textAnchor: "end",
        dx: -4,
      })
      : null,
    ...levels.map((level) =>
      Plot.text([tail(level)].filter(Boolean), {
        x: "ts",
        y: "upper",
        text: () => `${formatLevel(level)} upper`,
        textAnchor: "start",
        dx: 6,
        fontSize: 10,
      })
    ),
    Plot.text(points.length ? path.slice(-1) : [], {
      x: "ts",
      y: "yhat",
      text: () => "forecast",
      textAnchor: "start",
      dx: 6,
    }),
  ].filter(Boolean);
  return plot({
    width,
    height,
    title,
    caption: fanCaption(last, forecast, levels, zone),
    ariaLabel: "Forecast fan chart",
    marginRight: 78,
    x: { type: timeScale(zone), label: `Time (${zone})` },
    y: { grid: true, label: "Price", tickFormat: "~s", zero: false },
    marks,
  });
}

/**
 * The text a reader needs without the picture: what, from when, and the key numbers.
 * @example fanCaption(candles.at(-1), forecast, [0.95, 0.8, 0.5], "UTC")
 */
export function fanCaption(last, forecast, levels = [], zone = "UTC") {
  const points = forecast?.points ?? [];
  if (!points.length) {
    return "No forecast from a champion model for this series yet: run `deno task train` and `deno task forecast`.";
  }
  const byLevel = (h, level) => points.find((p) => p.horizon === h && p.level === level);
  const first = points.reduce((a, b) => (b.horizon < a.horizon ? b : a));
  const final = points.reduce((a, b) => (b.horizon > a.horizon ? b : a));
  const main = levels.includes(0.8) ? 0.8 : levels[0];
  const iv = (p) => {
    const q = byLevel(p.horizon, main);
    return q
      ? `, ${formatLevel(main)} interval ${formatPrice(q.lower)} – ${formatPrice(q.upper)}`
      : "";
  };
  return `Solid line: last ${last ? "closes" : "—"} up to ${
    formatTime(last?.ts, zone)
  }. Dashed line: the champion ` +
    `(${forecast.model ?? "model"}, version ${forecast.version_id}) forecast issued ${
      formatTime(forecast.issued_at, zone)
    }. ` +
    `Bands, darkest to lightest: ${
      levels.slice().reverse().map(formatLevel).join(", ")
    } intervals. ` +
    `Next step (${formatTime(first.ts, zone)}): ${formatPrice(first.yhat)}${iv(first)}. ` +
    `Last step, h=${final.horizon} (${formatTime(final.ts, zone)}): ${formatPrice(final.yhat)}${
      iv(final)
    }.`;
}

function uniqueBy(rows, key) {
  const seen = new Set();
  return rows.filter((r) => (seen.has(key(r)) ? false : (seen.add(key(r)), true)));
}
