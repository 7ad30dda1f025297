/**
 * Signal files that are JSON answers saved to disk: alternative.me's
 * `{ data: [{ value, timestamp }] }` and Token Metrics' `{ data: [rows] }` or
 * a list of rows (see `files.ts` for every kind).
 *
 * @module
 */
import { jsonRef, openLines } from "../files/_json.ts";
import { FileFormatError, MissingOptionError } from "../files/errors.ts";
import { fearGreedRow, itemsOf } from "./fear_greed.ts";
import { baseOf, tokenMetricsRows } from "./token_metrics.ts";
import type { ParsedSignalFile, SignalFileOptions } from "./files.ts";

/** Lower-case columns that mark a Token Metrics export or answer. */
export const TM_MARKERS = [
  "trading_signal",
  "tm_trader_grade",
  "tm_investor_grade",
  "ta_grade",
  "quant_grade",
  "token_trend",
];

/** Rows of a JSON signal answer; `text` locates each row's line for rejects. */
export function parseJsonBody(
  body: unknown,
  text: string,
  path: string,
  options: SignalFileOptions,
): ParsedSignalFile {
  const data = Array.isArray(body) ? body : (typeof body === "object" && body !== null &&
      Array.isArray((body as { data?: unknown }).data))
    ? (body as { data: unknown[] }).data
    : undefined;
  if (!data) {
    throw new FileFormatError(
      `Cannot read ${path} as signals: JSON without a list of rows (expected { data: [...] } or [...])`,
    );
  }
  const depth = Array.isArray(body) ? 2 : 3;
  const at = openLines(text, depth);
  const first = data.find((d) => typeof d === "object" && d !== null) as
    | Record<string, unknown>
    | undefined;
  const keys = new Set(Object.keys(first ?? {}).map((k) => k.toLowerCase()));
  const out: ParsedSignalFile = {
    path,
    kind: "fear-greed-json",
    rows: [],
    rejects: [],
    skipped: 0,
    ignored: [],
  };
  if (keys.has("value") && keys.has("timestamp") && !Array.isArray(body)) {
    itemsOf(body, path);
    data.forEach((item, i) => {
      const r = fearGreedRow(item, jsonRef(path, at, i), Infinity, options.source);
      if ("reason" in r) out.rejects.push(r);
      else out.rows.push(r);
    });
    return out;
  }
  if (TM_MARKERS.some((m) => keys.has(m))) {
    out.kind = "token-metrics-json";
    const bySymbol = tokenSymbols(data, path, options);
    data.forEach((item, i) => {
      const r = tokenMetricsRows(item, jsonRef(path, at, i), {
        bySymbol,
        seenAt: Infinity,
        source: options.source,
      });
      out.rows.push(...r.rows);
      out.rejects.push(...r.rejects);
    });
    return out;
  }
  throw new FileFormatError(
    `Cannot read ${path} as signals: its rows (${[...keys].join(", ")}) are neither ` +
      `Fear & Greed ({ value, timestamp }) nor Token Metrics (DATE, TRADING_SIGNAL, grades)`,
  );
}

function tokenSymbols(
  data: unknown[],
  path: string,
  options: SignalFileOptions,
): Map<string, string> {
  if (options.symbol) return new Map([[baseOf(options.symbol), options.symbol]]);
  const tokens = new Set<string>();
  for (const d of data) {
    if (typeof d !== "object" || d === null) continue;
    for (const [k, v] of Object.entries(d)) {
      if (k.toLowerCase() === "token_symbol" && typeof v === "string" && v.trim()) {
        tokens.add(v.trim().toUpperCase());
      }
    }
  }
  if (tokens.size === 0) {
    throw new MissingOptionError(
      "--symbol",
      `${path} holds Token Metrics rows without TOKEN_SYMBOL: pass --symbol BASE/QUOTE`,
    );
  }
  return new Map([...tokens].map((t) => [t, `${t}/USD`]));
}
