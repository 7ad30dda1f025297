import * as Plot from "@observablehq/plot";
import { plot } from "./plot.js";
import { formatLevel, formatMetric, formatPrice } from "./format.js";
import { formatTime, timeScale } from "./timezone.js";
import { wilson } from "./stats.js"; // core/stats.ts, copied here by site/build.ts

/**
 * Rows for one horizon of a series' track-record points (columns → objects), oldest target first.
 * Each row: { version, target: Date, yhat, lo80, hi80, actual, status: "held" | "missed" | "pending" }.
 * @example pointsAt(series.points, 1)
 */
export function pointsAt(points, horizon) {
  const rows = [];
  for (let i = 0; i < points.horizon.length; i++) {
    if (points.horizon[i] !== horizon) continue;
    const actual = points.actual[i];
    const lo = points.lo80[i], hi = points.hi80[i];
    rows.push({
      version: points.version_ids[points.version[i]],
      origin: new Date(points.origin[i]),
      target: new Date(points.target[i]),
      origin_close: points.origin_close[i],
      yhat: points.yhat[i],
      lo80: lo,
      hi80: hi,
      actual,
      status: actual == null ? "pending" : actual >= lo && actual <= hi ? "held" : "missed",
    });
  }
  return rows.sort((a, b) => a.target - b.target || a.origin - b.origin);
}

/**
 * Forecasts at one horizon beside what happened: each forecast's 80% interval (vertical bar) and
 * point forecast (hollow circle); the outcome as a filled circle when the interval held it, a cross
 * when it did not; pending forecasts as hollow diamonds. Shapes and labels, not colour, carry meaning.
 * @example forecastVsOutcome(pointsAt(series.points, 1), { width, zone, horizon: 1, title })
 */
export function forecastVsOutcome(
  rows,
  { width = 640, height = 320, zone = "UTC", horizon, title } = {},
) {
  const matured = rows.filter((r) => r.status !== "pending");
  const held = matured.filter((r) => r.status === "held").length;
  const caption = rows.length
    ? `${rows.length} forecast${rows.length === 1 ? "" : "s"} ${horizon} step${
      horizon === 1 ? "" : "s"
    } ahead, targets ${formatTime(rows[0].target, zone)} to ${
      formatTime(rows.at(-1).target, zone)
    }. ` +
      (matured.length
        ? `${matured.length} matured: the 80% interval held the outcome ${held} time${
          held === 1 ? "" : "s"
        } (${formatMetric(held / matured.length, { percent: true })}), missed ${
          matured.length - held
        }. `
        : "None has matured yet. ") +
      `${rows.length - matured.length} pending. Bars: 80% intervals; hollow circles: forecasts; ` +
      `filled circles: outcomes inside the interval; crosses: outcomes outside; diamonds: pending.`
    : `No forecast at horizon ${horizon} for this series.`;
  const outcomes = matured.map((r) => ({
    ...r,
    label: r.status === "held" ? "inside 80%" : "outside 80%",
  }));
  return plot({
    width,
    height,
    title,
    caption,
    ariaLabel: "Forecasts beside outcomes",
    x: { type: timeScale(zone), label: `Target candle (${zone})` },
    y: { grid: true, label: "Price", tickFormat: "~s", zero: false },
    symbol: {
      domain: ["inside 80%", "outside 80%", "pending"],
      range: ["circle", "times", "diamond"],
      legend: true,
    },
    marks: [
      Plot.ruleX(rows, {
        x: "target",
        y1: "lo80",
        y2: "hi80",
        stroke: "var(--theme-foreground-muted)",
        strokeWidth: 3,
        strokeOpacity: 0.45,
        ariaDescription: "80% intervals",
      }),
      Plot.dot(rows.filter((r) => r.status !== "pending"), {
        x: "target",
        y: "yhat",
        r: 3.5,
        stroke: "var(--theme-foreground-focus)",
        ariaDescription: "forecasts",
      }),
      Plot.dot(rows.filter((r) => r.status === "pending"), {
        x: "target",
        y: "yhat",
        r: 4,
        symbol: () => "pending",
        stroke: "var(--theme-foreground-focus)",
        ariaDescription: "pending forecasts",
      }),
      Plot.line(outcomes, {
        x: "target",
        y: "actual",
        stroke: "var(--theme-foreground)",
        strokeOpacity: 0.35,
        ariaDescription: "outcomes over time",
      }),
      Plot.dot(outcomes, {
        x: "target",
        y: "actual",
        symbol: "label",
        r: 4,
        fill: (d) => (d.status === "held" ? "var(--theme-foreground)" : "none"),
        stroke: "var(--theme-foreground)",
        strokeWidth: 1.5,
        ariaDescription: "outcomes",
      }),
      Plot.tip(
        rows,
        Plot.pointerX({
          x: "target",
          y: "yhat",
          channels: {
            issued_from: { value: (d) => formatTime(d.origin, zone), label: "from candle" },
            forecast: { value: (d) => formatPrice(d.yhat) },
            interval: {
              value: (d) => `${formatPrice(d.lo80)} – ${formatPrice(d.hi80)}`,
              label: "80%",
            },
            outcome: { value: (d) => (d.actual == null ? "pending" : formatPrice(d.actual)) },
          },
          format: { x: (d) => formatTime(d, zone), y: false },
        }),
      ),
    ],
  });
}

/**
 * Empirical coverage of each version's intervals against their nominal level: a dot per level with
 * its 95% Wilson interval as a bar, and a tick at the nominal level. Small counts show as long bars.
 * @example coverageChart(series.versions, { width })
 */
export function coverageChart(versions, { width = 640 } = {}) {
  const rows = versions.flatMap((v) =>
    v.coverage.map((c) => {
      const [lower, upper] = wilson(c.hits, c.n);
      return {
        version: `${v.model ?? "model"} ${shortVersion(v.version_id)}`,
        level: formatLevel(c.level),
        nominal: c.level,
        n: c.n,
        hits: c.hits,
        p: c.n > 0 ? c.hits / c.n : NaN,
        lower,
        upper,
      };
    })
  );
  const caption = rows.length
    ? "Share of matured outcomes inside each interval (dot), with its 95% Wilson interval (bar); " +
      "the short vertical tick is the nominal level. " +
      rows.map((r) =>
        `${r.version}, ${r.level} interval: ${r.hits}/${r.n} = ${
          formatMetric(r.p, { percent: true })
        } (95% CI ${formatMetric(r.lower, { percent: true })}–${
          formatMetric(r.upper, { percent: true })
        })`
      ).join("; ") + "."
    : "No matured forecast yet, so no live coverage.";
  return plot({
    width,
    height: 50 + 26 * Math.max(1, rows.length),
    marginLeft: 230,
    marginRight: 60,
    caption,
    ariaLabel: "Live interval coverage",
    x: {
      domain: [0, 1],
      tickFormat: "%",
      grid: true,
      label: "Share of outcomes inside the interval →",
    },
    y: { label: null, domain: rows.map((r) => `${r.version} · ${r.level}`) },
    marks: [
      Plot.ruleY(rows, {
        y: (r) => `${r.version} · ${r.level}`,
        x1: "lower",
        x2: "upper",
        stroke: "var(--theme-foreground-muted)",
        strokeWidth: 2,
      }),
      Plot.tickX(rows, {
        y: (r) => `${r.version} · ${r.level}`,
        x: "nominal",
        stroke: "var(--theme-foreground)",
        strokeWidth: 2,
        strokeDasharray: "3,2",
      }),
      Plot.dot(rows, {
        y: (r) => `${r.version} · ${r.level}`,
        x: "p",
        r: 4,
        fill: "var(--theme-foreground-focus)",
      }),
      Plot.text(rows, {
        y: (r) => `${r.version} · ${r.level}`,
        x: "upper",
        text: (r) => `${r.hits}/${r.n}`,
        dx: 6,
        textAnchor: "start",
        fontSize: 11,
      }),
    ],
  });
}

/**
 * The tail of a version id that tells versions of one series apart: "…20261124T195213-8ff595".
 * @example shortVersion("xgboost-BTCUSDT-1h-20261124T195213-8ff595") // "20261124T195213-8ff595"
 */
export function shortVersion(id) {
  const m = /(\d{8}T\d{6}-[0-9a-f]+)$/.exec(id ?? "");
  return m ? m[1] : id ?? "—";
}
