/**
 * Fast text helpers shared by the CSV formats: plain string splitting, no
 * per-row regular expressions.
 *
 * @module
 */

/** The lines of a text (BOM and `\r` removed). Line `i` is line `i + 1` of the file. */
export function lines(text: string): string[] {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out = t.split("\n");
  for (let i = 0; i < out.length; i++) {
    const l = out[i];
    if (l.charCodeAt(l.length - 1) === 13) out[i] = l.slice(0, -1);
  }
  return out;
}

/** The first `n` non-blank lines, with their index. */
export function headLines(text: string, n: number): string[] {
  return lines(text.slice(0, 8192)).filter((l) => l.trim() !== "").slice(0, n);
}

/** The comma-separated fields of a line; quotes are honoured only when present. */
export function fields(line: string): string[] {
  if (line.indexOf('"') < 0) return line.split(",");
  const out: string[] = [];
  let cur = "", quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') cur += '"', i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") out.push(cur), cur = "";
    else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * A field as a number, or NaN when it is empty, `NULL`, `null` or not a
 * number (unlike `Number("")`, which is 0).
 *
 * @example
 * ```ts
 * num("1.5"); // 1.5
 * num(""); // NaN
 * ```
 */
export function num(s: string | undefined): number {
  if (s === undefined) return NaN;
  const t = s.trim();
  if (t === "" || t === "NULL" || t === "null") return NaN;
  return Number(t);
}

/** True when `s` is a plain non-negative integer or decimal (`1502946000.0`). */
export function isPlainNumber(s: string): boolean {
  if (s.length === 0) return false;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (++dots > 1) return false;
    } else if (c < 48 || c > 57) return false;
  }
  return true;
}
