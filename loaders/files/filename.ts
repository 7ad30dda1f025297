/**
 * What a file's name hints at: symbol, timeframe and exchange, from names
 * such as `Binance_BTCUSDT_1h.csv`, `BTCUSDT-1h-2023-01.csv`,
 * `kraken_XBTUSDT_60.csv`, `BTC-USD.csv` or freqtrade's `ETH_BTC-1m.json`.
 *
 * @module
 */
import { isTimeframe, type Timeframe } from "../../core/candles.ts";
import { isQuote, normalizeSymbol } from "./symbols.ts";

/** Hints read from a file name; every field is optional. */
export interface NameHints {
  symbol?: string;
  timeframe?: Timeframe;
  /** A leading exchange word such as `Binance_` (lower-cased). */
  exchange?: string;
}

const KNOWN_EXCHANGES = new Set([
  "binance",
  "binanceus",
  "bitfinex",
  "bitstamp",
  "bybit",
  "coinbase",
  "gemini",
  "kraken",
  "kucoin",
  "okx",
  "okex",
  "huobi",
  "gateio",
  "poloniex",
  "bittrex",
  "ftx",
]);

const TF_WORDS: Record<string, Timeframe> = {
  d: "1d",
  day: "1d",
  daily: "1d",
  h: "1h",
  hour: "1h",
  hourly: "1h",
  minute: "1m",
  w: "1w",
  week: "1w",
  // Kraken OHLCVT downloads name the interval in minutes.
  "1": "1m",
  "5": "5m",
  "15": "15m",
  "60": "1h",
  "240": "4h",
  "1440": "1d",
  "10080": "1w",
};

function timeframeToken(t: string): Timeframe | undefined {
  if (isTimeframe(t)) return t;
  return TF_WORDS[t.toLowerCase()];
}

/**
 * Hints from a base name.
 *
 * @example
 * ```ts
 * hintsFromName("Binance_BTCUSDT_1h.csv"); // { exchange: "binance", symbol: "BTC/USDT", timeframe: "1h" }
 * hintsFromName("kraken_XBTUSD_1440.csv"); // { exchange: "kraken", symbol: "BTC/USD", timeframe: "1d" }
 * ```
 */
export function hintsFromName(name: string): NameHints {
  const stem = name.replace(/\.[A-Za-z0-9]+$/, "");
  const tokens = stem.split(/[_\-. ]+/).filter((t) => t !== "");
  const hints: NameHints = {};
  if (tokens.length > 1 && KNOWN_EXCHANGES.has(tokens[0].toLowerCase())) {
    hints.exchange = tokens.shift()!.toLowerCase();
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!hints.timeframe && i > 0) {
      const tf = timeframeToken(t);
      if (tf) {
        hints.timeframe = tf;
        continue;
      }
    }
    if (hints.symbol || !/^[A-Z][A-Z0-9]*$/.test(t)) continue;
    const next = tokens[i + 1];
    // Two upper-case tokens with a known quote: BTC-USD, ETH_BTC, UNITTEST_BTC.
    if (next && /^[A-Z]{2,5}$/.test(next) && isQuote(next)) {
      hints.symbol = normalizeSymbol(`${t}/${next}`);
      i++;
    } else if (t.length >= 5) {
      hints.symbol = normalizeSymbol(t);
    }
  }
  return hints;
}

/**
 * A parsed file's rows with what its name tells: the symbol in the content
 * wins over the name's; timeframe and exchange come from the name.
 *
 * @example
 * ```ts
 * withNameHints(rows, "Binance_BTCUSDT_1h.csv", "BTCUSDT").timeframe; // "1h"
 * ```
 */
export function withNameHints<T extends object>(
  out: T,
  name: string,
  symbolRaw?: string,
): T & { symbol?: string; timeframe?: Timeframe; exchange?: string } {
  const hints = hintsFromName(name);
  return {
    ...out,
    symbol: (symbolRaw && normalizeSymbol(symbolRaw)) || hints.symbol,
    timeframe: hints.timeframe,
    exchange: hints.exchange,
  };
}
