// Formatting shared by pages and charts. Every time is shown in UTC.

const priceFormats = new Map();

/**
 * A price with precision that suits its magnitude: 64,650.93 · 3,157.71 · 0.04213.
 * @example formatPrice(64650.931) // "64,650.93"
 */
export function formatPrice(x) {
  if (x == null || !Number.isFinite(x)) return "—";
  const digits = Math.abs(x) >= 100 ? 2 : Math.abs(x) >= 1 ? 4 : 6;
  if (!priceFormats.has(digits)) {
    priceFormats.set(
      digits,
      new Intl.NumberFormat("en-US", {
        minimumFractionDigits: Math.min(2, digits),
        maximumFractionDigits: digits,
      }),
    );
  }
  return priceFormats.get(digits).format(x);
}

/**
 * A signed change with an arrow, so direction is not carried by colour: "▲ +1.25%".
 * @example formatChange(0.0125) // "▲ +1.25%"
 */
export function formatChange(x) {
  if (x == null || !Number.isFinite(x)) return "—";
  const arrow = x > 0 ? "▲" : x < 0 ? "▼" : "■";
  return `${arrow} ${x > 0 ? "+" : ""}${(x * 100).toFixed(2)}%`;
}

/**
 * A metric value: 4 significant digits; ratios in [0, 1] as percentages when asked.
 * @example formatMetric(0.54, { percent: true }) // "54.0%"
 */
export function formatMetric(x, { percent = false } = {}) {
  if (x == null || !Number.isFinite(x)) return "—";
  return percent
    ? `${(x * 100).toFixed(1)}%`
    : x.toLocaleString("en-US", { maximumSignificantDigits: 4 });
}

/**
 * An ISO time as "2024-06-01 00:00 UTC".
 * @example formatUtc("2024-06-01T00:00:00.000Z") // "2024-06-01 00:00 UTC"
 */
export function formatUtc(iso) {
  if (!iso) return "—";
  const d = iso instanceof Date ? iso : new Date(iso);
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * How long ago `iso` was, relative to `now`: "3 h ago", "12 d ago".
 * @example formatAge("2024-06-01T00:00:00Z", Date.parse("2024-06-01T03:00:00Z")) // "3 h ago"
 */
export function formatAge(iso, now = Date.now()) {
  if (!iso) return "—";
  const ms = now - new Date(iso).getTime();
  const h = ms / 3_600_000;
  if (h < 0) return "in the future";
  if (h < 1) return `${Math.round(h * 60)} min ago`;
  if (h < 48) return `${Math.round(h)} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

/**
 * A level as a percentage label: 0.8 → "80%".
 * @example formatLevel(0.8) // "80%"
 */
export function formatLevel(level) {
  return `${Math.round(level * 100)}%`;
}
