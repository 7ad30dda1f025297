/**
 * Dates as people type them: the one parser for ISO 8601 dates and
 * date-times that every layer uses (CLI arguments, API queries, the
 * universe file), strict about instants that do not exist.
 *
 * @module
 */

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * True for an ISO 8601 date or date-time that names a real instant: no
 * 2026-02-30, no 24:00 (which `Date.parse` would roll over silently).
 *
 * @example
 * ```ts
 * validIsoDate("2026-01-31"); // true
 * validIsoDate("2026-02-30"); // false
 * ```
 */
export function validIsoDate(s: string): boolean {
  const m = ISO.exec(s);
  if (!m) return false;
  const [y, mo, d, h = "0", mi = "0", sec = "0"] = m.slice(1, 7);
  const date = new Date(Date.UTC(+y, +mo - 1, +d));
  return date.getUTCFullYear() === +y && date.getUTCMonth() === +mo - 1 &&
    date.getUTCDate() === +d && +h < 24 && +mi < 60 && +sec < 60 &&
    Number.isFinite(Date.parse(s.length === 10 ? s : s.replace(" ", "T")));
}

/**
 * Milliseconds since the epoch of an ISO 8601 date or date-time; a date or a
 * time without an offset is UTC. `undefined` when {@link validIsoDate} says no.
 *
 * @example
 * ```ts
 * parseIsoDate("2026-01-31"); // Date.UTC(2026, 0, 31)
 * parseIsoDate("2026-01-31 12:00"); // noon UTC that day
 * ```
 */
export function parseIsoDate(s: string): number | undefined {
  if (!validIsoDate(s)) return undefined;
  const t = s.replace(" ", "T");
  return Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(t) || t.length === 10 ? t : t + "Z");
}
