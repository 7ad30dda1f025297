/**
 * Reads a text file whatever its Unicode encoding: UTF-8 (with or without a
 * byte-order mark) or UTF-16 with a byte-order mark (as Excel's "Unicode
 * text" saves) are decoded; UTF-16 without one is refused with a message
 * naming the encoding, instead of failing later as an unknown format.
 *
 * @module
 */
import { FileFormatError } from "./errors.ts";

/**
 * The text of `path`, decoded from its encoding.
 *
 * @example
 * ```ts
 * const text = await readText("export-utf16.csv"); // decoded from UTF-16LE
 * ```
 */
export async function readText(path: string): Promise<string> {
  return decodeText(await Deno.readFile(path), path);
}

/** {@link readText} on bytes already read; `path` names them in errors. */
export function decodeText(bytes: Uint8Array, path: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  }
  const guess = utf16WithoutBom(bytes.subarray(0, 4096));
  if (guess) {
    throw new FileFormatError(
      `Cannot ingest ${path}: it looks like ${guess} text without a byte-order mark; ` +
        `save it as UTF-8 (or UTF-16 with a byte-order mark)`,
    );
  }
  return new TextDecoder().decode(bytes); // UTF-8; a BOM is dropped
}

/** "UTF-16LE"/"UTF-16BE" when most odd/even bytes are NUL, as in ASCII text in UTF-16. */
function utf16WithoutBom(head: Uint8Array): string | undefined {
  let even = 0, odd = 0;
  for (let i = 0; i < head.length; i++) if (head[i] === 0) i % 2 ? odd++ : even++;
  const pairs = head.length / 2;
  if (pairs < 2) return undefined;
  if (odd > pairs * 0.4 && even < pairs * 0.05) return "UTF-16LE";
  if (even > pairs * 0.4 && odd < pairs * 0.05) return "UTF-16BE";
  return undefined;
}
