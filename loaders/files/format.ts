/**
 * The shape every file-format module implements: a content-based `detect`
 * and a pure `parse` from text to sourced candles.
 *
 * @module
 */
import type { Timeframe } from "../../core/candles.ts";
import type { Rejected, SourcedCandle } from "../validate.ts";

/** What a parser knows about the file it reads. */
export interface ParseContext {
  /** The path as given, used in every row's `ref` (`path:line`). */
  path: string;
  /** The file's base name, a hint for symbol, timeframe and exchange. */
  name: string;
}

/** What a file told about itself, and its rows. */
export interface ParsedFile {
  rows: SourcedCandle[];
  /** Rows that could not even be read as candles (bad numbers, missing fields). */
  unparsed: Rejected[];
  /** `BASE/QUOTE`, when the file (content or name) tells it. */
  symbol?: string;
  timeframe?: Timeframe;
  exchange?: string;
  /** When the file was written (ms), if it says; candles open then are not closed. */
  asOf?: number;
}

/** One format family. */
export interface FileFormat {
  /** A short stable name such as `cryptodatadownload`. */
  name: string;
  /** True when the text looks like this family (looks at the first lines only). */
  detect(text: string, name: string): boolean;
  /** Reads the whole text; throws FileFormatError when the file is unusable. */
  parse(text: string, ctx: ParseContext): ParsedFile;
}
