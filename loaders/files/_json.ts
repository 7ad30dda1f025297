/**
 * JSON helpers for the candle formats: cheap detection from the first element
 * and the line where each row starts, so rejects can say `file:line`.
 *
 * @module
 */
import { FileFormatError } from "./errors.ts";

/** The text's first non-blank character, or "". */
export function firstChar(text: string): string {
  const m = text.slice(0, 4096).trimStart();
  return m.charCodeAt(0) === 0xfeff ? m.slice(1).trimStart()[0] ?? "" : m[0] ?? "";
}

/** The first element of a top-level array of arrays (`[[…], …]`), parsed alone; else undefined. */
export function firstInnerArray(text: string): unknown[] | undefined {
  const head = text.slice(0, 4096);
  const a = head.indexOf("[");
  if (a < 0 || firstChar(head) !== "[") return undefined;
  const b = head.indexOf("[", a + 1);
  if (b < 0 || head.slice(a + 1, b).trim() !== "") return undefined;
  const end = head.indexOf("]", b);
  if (end < 0) return undefined;
  try {
    const v = JSON.parse(head.slice(b, end + 1));
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** JSON.parse, with a FileFormatError naming the file when the text is not JSON. */
export function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new FileFormatError(`Cannot ingest ${path}: not valid JSON (${why})`);
  }
}

/**
 * The 1-based line of every `[` or `{` that opens at nesting `depth` (the
 * outermost value is depth 1), in order; strings are skipped.
 */
export function openLines(text: string, depth: number): number[] {
  const out: number[] = [];
  let d = 0, line = 1, inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++;
      else if (c === 34) inStr = false;
      else if (c === 10) line++;
      continue;
    }
    if (c === 34) inStr = true;
    else if (c === 10) line++;
    else if (c === 91 || c === 123) {
      d++;
      if (d === depth) out.push(line);
    } else if (c === 93 || c === 125) d--;
  }
  return out;
}

/** A row reference `path:line [index]`, from lines found by {@link openLines}. */
export function jsonRef(path: string, rowLines: number[], i: number): string {
  return `${path}:${rowLines[i] ?? 1} [${i}]`;
}
