/**
 * The one error a caller of the file loaders handles: the file is not a
 * market file (or is damaged beyond use), so nothing from it is loaded.
 *
 * @module
 */

/**
 * A file that cannot be read as candles at all. The message names the file
 * and, when it can, the line.
 *
 * @example
 * ```ts
 * throw new FileFormatError("data/x.csv line 2: matches no known candle format");
 * ```
 */
export class FileFormatError extends Error {
  override name = "FileFormatError";
}
