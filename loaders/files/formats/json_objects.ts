/**
 * JSON candles as objects with named keys: a list of objects (`openTime`,
 * `open`, …; values numbers or strings) or an object holding such a list
 * (`{"symbol":"BTCUSDT","interval":"1d","klines":[…],"last_updated":ms}`).
 * Keys are matched without case or underscores (`open_time` = `openTime`).
 *
 * @module
 */
import type { FileFormat, ParseContext, ParsedFile } from "../format.ts";
import { firstChar, jsonRef, openLines, parseJson } from "../_json.ts";
import { epochToMs, parseDateTime } from "../_time.ts";
import { pushCandle, sink } from "../_row.ts";
import { hintsFromName } from "../filename.ts";
import { normalizeSymbol } from "../symbols.ts";
import { isTimeframe, type Timeframe } from "../../../core/candles.ts";
import { FileFormatError } from "../errors.ts";

const TIME_KEYS = ["opentime", "time", "timestamp", "ts", "t", "date", "datetime"];
const ALIASES: Record<string, string[]> = {
  open: ["open", "o"],
  high: ["high", "h"],
  low: ["low", "l"],
  close: ["close", "c"],
  volume: ["volume", "v", "vol", "basevolume"],
};

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
const norm = (k: string) => k.toLowerCase().replaceAll("_", "");

/** True for a JSON list of objects or an object, whose first lines name `open` and `close`. */
export function detect(text: string, _name: string): boolean {
  const c = firstChar(text);
  if (c !== "[" && c !== "{") return false;
  const head = text.slice(0, 4096);
  if (c === "[" && !/^\s*\[\s*\{/.test(head.replace(/^\uFEFF/, ""))) return false;
  return /"open"\s*:/i.test(head) && /"close"\s*:/i.test(head);
}

function keyMap(row: Obj): Map<string, string> {
  const m = new Map<string, string>();
  for (const k of Object.keys(row)) m.set(norm(k), k);
  return m;
}

function timeOf(v: unknown): number {
  if (typeof v === "number") return epochToMs(v);
  if (typeof v !== "string") return NaN;
  const n = Number(v);
  return v.trim() !== "" && Number.isFinite(n) ? epochToMs(n) : parseDateTime(v);
}

/**
 * Reads the objects; symbol and timeframe from `symbol`/`interval` keys when
 * present, else the name; `last_updated` marks candles open then as unclosed.
 *
 * @example
 * ```ts
 * parse('[{"openTime":1759104000000,"open":"1","high":"2","low":"0.5","close":"1.5","volume":"3"}]',
 *   { path: "BTCUSDT_1d.json", name: "BTCUSDT_1d.json" }).symbol; // "BTC/USDT"
 * ```
 */
export function parse(text: string, ctx: ParseContext): ParsedFile {
  const data = parseJson(text, ctx.path);
  let list: unknown[] | undefined;
  let meta: Obj = {};
  if (Array.isArray(data)) list = data;
  else if (isObj(data)) {
    meta = data;
    list = Object.values(data).find((v): v is unknown[] => Array.isArray(v) && isObj(v[0]));
  }
  if (!list || !isObj(list[0])) {
    throw new FileFormatError(`Cannot ingest ${ctx.path}: no list of candle objects found`);
  }
  const keys = keyMap(list[0]);
  const tKey = TIME_KEYS.map((k) => keys.get(k)).find((k) => k !== undefined);
  const pick = (n: string) => ALIASES[n].map((a) => keys.get(a)).find((k) => k !== undefined);
  const [o, h, l, c, v] = ["open", "high", "low", "close", "volume"].map(pick);
  if (!tKey || !o || !h || !l || !c || !v) {
    throw new FileFormatError(
      `Cannot ingest ${ctx.path}: the objects lack a time, open, high, low, close or volume key ` +
        `(found ${[...keys.values()].join(", ")})`,
    );
  }
  const at = openLines(text, Array.isArray(data) ? 2 : 3);
  const lines = at.length === list.length ? at : [];
  const out = sink();
  list.forEach((r, i) => {
    const ref = jsonRef(ctx.path, lines, i);
    const raw = JSON.stringify(r);
    if (!isObj(r)) {
      out.unparsed.push({ ref, reason: "expected an object", raw });
      return;
    }
    pushCandle(out, timeOf(r[tKey]), [r[o], r[h], r[l], r[c], r[v]], ref, raw, String(r[tKey]));
  });
  const metaKeys = keyMap(meta);
  const metaVal = (...ks: string[]) => {
    const k = ks.map((x) => metaKeys.get(x)).find((x) => x !== undefined);
    return k === undefined ? undefined : meta[k];
  };
  const sym = metaVal("symbol", "pair", "market");
  const tf = metaVal("interval", "timeframe");
  const asOf = metaVal("lastupdated", "updatedat", "asof");
  const hints = hintsFromName(ctx.name);
  return {
    ...out,
    symbol: (typeof sym === "string" && normalizeSymbol(sym)) || hints.symbol,
    timeframe: typeof tf === "string" && isTimeframe(tf) ? tf as Timeframe : hints.timeframe,
    exchange: typeof meta.exchange === "string" ? meta.exchange.toLowerCase() : hints.exchange,
    asOf: asOf === undefined ? undefined : timeOf(asOf),
  };
}

/** The JSON-objects family. */
export const jsonObjects: FileFormat = { name: "json-objects", detect, parse };
