/**
 * Timestamps as files write them: epoch numbers in s, ms or µs (told apart
 * per value by magnitude) and the date strings seen in the wild.
 *
 * @module
 */

/**
 * An epoch number in seconds, milliseconds or microseconds, as ms. The unit
 * is read from the magnitude of each value: s < 1e11 ≤ ms < 1e14 ≤ µs.
 *
 * @example
 * ```ts
 * epochToMs(1502946000.0); // 1502946000000
 * epochToMs(1735689600000000); // 1735689600000
 * ```
 */
export function epochToMs(n: number): number {
  const a = Math.abs(n);
  if (a < 1e11) return Math.round(n * 1000);
  if (a < 1e14) return Math.round(n);
  return Math.round(n / 1000);
}

function digits(s: string, from: number, len: number): number {
  if (from + len > s.length) return NaN;
  let v = 0;
  for (let i = from; i < from + len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

function utc(y: number, mo: number, d: number, h: number, mi: number, sec: number): number {
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59)) {
    return NaN;
  }
  if (!(sec >= 0 && sec < 61)) return NaN;
  const ms = Date.UTC(y, mo - 1, d, h, mi, 0) + Math.round(sec * 1000);
  // Reject impossible days such as 2023-02-30 instead of rolling them over.
  return new Date(ms).getUTCDate() === d || sec >= 60 ? ms : NaN;
}

/**
 * A date or date-time string as ms since the epoch (UTC unless it carries an
 * offset), or NaN. Reads `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff]]` (also
 * with `T`, `Z` or `±HH:MM`), CryptoDataDownload's `YYYY-MM-DD HH-AM`, and
 * Excel's `M/D/YYYY [H:MM[:SS]]`.
 *
 * @example
 * ```ts
 * parseDateTime("2017-08-17 05-PM"); // Date.UTC(2017, 7, 17, 17)
 * parseDateTime("5/31/2026"); // Date.UTC(2026, 4, 31)
 * ```
 */
export function parseDateTime(raw: string): number {
  const s = raw.trim();
  if (s.length >= 10 && s[4] === "-" && s[7] === "-") {
    const y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
    return withTime(s, 10, y, mo, d);
  }
  const a = s.indexOf("/");
  if (a > 0) {
    const b = s.indexOf("/", a + 1);
    if (b < 0) return NaN;
    const mo = digits(s, 0, a), d = digits(s, a + 1, b - a - 1);
    if (a > 2 || b - a - 1 > 2) return NaN;
    const y = digits(s, b + 1, 4);
    return withTime(s, b + 5, y, mo, d);
  }
  return NaN;
}

function withTime(s: string, at: number, y: number, mo: number, d: number): number {
  if (at === s.length) return utc(y, mo, d, 0, 0, 0);
  const sep = s[at];
  if (sep !== " " && sep !== "T") return NaN;
  let i = at + 1;
  const colon = s.indexOf(":", i);
  const hLen = colon < 0 ? s.length - i : colon - i;
  // CryptoDataDownload 2020/2021: "2017-08-17 05-AM"
  if (colon < 0 && s.length === i + 5 && s[i + 2] === "-") {
    const h12 = digits(s, i, 2), ap = s.slice(i + 3).toUpperCase();
    if (!(h12 >= 1 && h12 <= 12) || (ap !== "AM" && ap !== "PM")) return NaN;
    return utc(y, mo, d, (h12 % 12) + (ap === "PM" ? 12 : 0), 0, 0);
  }
  if (colon < 0 || hLen < 1 || hLen > 2) return NaN;
  const h = digits(s, i, hLen);
  i = colon + 1;
  const mi = digits(s, i, 2);
  i += 2;
  let sec = 0;
  if (s[i] === ":") {
    let j = i + 1;
    while (j < s.length && ((s[j] >= "0" && s[j] <= "9") || s[j] === ".")) j++;
    sec = Number(s.slice(i + 1, j));
    if (j === i + 1) return NaN;
    i = j;
  }
  let offset = 0;
  const rest = s.slice(i).trim();
  if (rest === "Z" || rest === "" || rest === "UTC") offset = 0;
  else if ((rest[0] === "+" || rest[0] === "-") && rest.length === 6 && rest[3] === ":") {
    const oh = digits(rest, 1, 2), om = digits(rest, 4, 2);
    offset = (rest[0] === "+" ? 1 : -1) * (oh * 60 + om) * 60_000;
  } else return NaN;
  return utc(y, mo, d, h, mi, sec) - offset;
}
