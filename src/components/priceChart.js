import * as Plot from "@observablehq/plot";
import { plot } from "./plot.js";
import { formatPrice } from "./format.js";
import { formatTime, timeScale } from "./timezone.js";

/**
 * Closing price with each candle's low–high range as a band.
 * candles: [{ts: Date, open, high, low, close, volume}], oldest first.
 * @example priceChart(candles, { width, title: "BTC/USDT · 1h", zone: "UTC" })
 */
export function priceChart(candles, { width = 640, height = 300, title, zone = "UTC" } = {}) {
  const first = candles[0];
  const last = candles[candles.length - 1];
  const lo = Math.min(...candles.map((d) => d.low));
  const hi = Math.max(...candles.map((d) => d.high));
  const caption = candles.length
    ? `Close (line) and low–high range (band) of ${candles.length} candles from ${
      formatTime(first.ts, zone)
    } to ` +
      `${formatTime(last.ts, zone)}. Last close ${formatPrice(last.close)}; range over the period ${
        formatPrice(lo)
      } – ` +
      `${formatPrice(hi)}.`
    : "No candles for this series.";
  return plot({
    width,
    height,
    title,
    caption,
    ariaLabel: "Price chart",
    x: { type: timeScale(zone), label: `Time (${zone})` },
    y: { grid: true, label: "Price", tickFormat: "~s", zero: false },
    marks: [
      Plot.areaY(candles, {
        x: "ts",
        y1: "low",
        y2: "high",
        fill: "var(--theme-foreground-focus)",
        fillOpacity: 0.18,
      }),
      Plot.lineY(candles, {
        x: "ts",
        y: "close",
        stroke: "var(--theme-foreground-focus)",
        strokeWidth: 1.5,
      }),
      Plot.tip(
        candles,
        Plot.pointerX({
          x: "ts",
          y: "close",
          channels: { open: "open", high: "high", low: "low", close: "close" },
          format: { x: (d) => formatTime(d, zone), y: false },
        }),
      ),
    ],
  });
}

/**
 * Traded volume per candle, as bars.
 * @example volumeChart(candles, { width, zone: "UTC" })
 */
export function volumeChart(candles, { width = 640, height = 120, zone = "UTC" } = {}) {
  const total = candles.reduce((s, d) => s + (d.volume ?? 0), 0);
  const max = candles.reduce((m, d) => (d.volume > m.volume ? d : m), candles[0] ?? { volume: 0 });
  const caption = candles.length
    ? `Volume per candle (base units). Total ${
      total.toLocaleString("en-US", { maximumFractionDigits: 0 })
    }; ` +
      `largest ${max.volume.toLocaleString("en-US", { maximumFractionDigits: 0 })} at ${
        formatTime(max.ts, zone)
      }.`
    : "No volume for this series.";
  return plot({
    width,
    height,
    caption,
    ariaLabel: "Volume chart",
    x: { type: timeScale(zone), label: null },
    y: { grid: true, label: "Volume", tickFormat: "~s" },
    marks: [
      Plot.rectY(candles, {
        x1: "ts",
        x2: candleEnd(candles),
        y: "volume",
        fill: "var(--theme-foreground-muted)",
      }),
      Plot.ruleY([0]),
    ],
  });
}

// A bar spans 90% of its candle's period, so neighbouring bars stay apart.
function candleEnd(candles) {
  const n = candles.length;
  const step = n > 1 ? (candles[n - 1].ts - candles[0].ts) / (n - 1) : 3_600_000;
  return (d) => new Date(+d.ts + step * 0.9);
}
