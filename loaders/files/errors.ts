/**
 * The errors a caller of the file loaders handles: the file is not a market
 * file (or is damaged beyond use), or it does not tell something the caller
 * must then give as an option. Either way nothing is loaded.
 *
 * @module
 */

/**
 * A file that cannot be read as candles at all. The message names the file
 * and, when it can, the line.
 *
 * @example
 * ```ts
 * throw new FileFormatError("Cannot ingest data/x.csv line 2: matches no known candle format");
 * ```
 */
export class FileFormatError extends Error {
  override name = "FileFormatError";
}

/**
 * The file does not tell its symbol, timeframe or exchange, and the option
 * that would was not given. `option` is the CLI flag (`--symbol`).
 *
 * @example
 * ```ts
 * throw new MissingOptionError("--symbol", "klines.json does not name its symbol: pass --symbol BASE/QUOTE");
 * ```
 */
export class MissingOptionError extends Error {
  override name = "MissingOptionError";
  constructor(readonly option: string, message: string) {
    super(message);
  }
}
