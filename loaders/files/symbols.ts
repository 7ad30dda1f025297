/**
 * Market symbols as `BASE/QUOTE`, whatever the file wrote (`BTCUSDT`,
 * `BTC-USD`, `BTC_USDT`, `XBTUSD`).
 *
 * @module
 */

/** Quote currencies recognised at the end of a joined symbol, longest first. */
export const QUOTES = [
  "FDUSD",
  "USDT",
  "USDC",
  "BUSD",
  "TUSD",
  "USD",
  "EUR",
  "GBP",
  "DAI",
  "BTC",
  "XBT",
  "ETH",
  "BNB",
] as const;

const ALIASES: Record<string, string> = { XBT: "BTC", XDG: "DOGE" };

/** Bases that settle an ambiguous split (`XBTUSD` is XBT/USD, not XB/TUSD). */
const KNOWN_BASES = new Set([
  "BTC",
  "XBT",
  "ETH",
  "BNB",
  "SOL",
  "XRP",
  "ADA",
  "DOGE",
  "XDG",
  "TRX",
  "BCH",
  "LTC",
  "DOT",
  "LINK",
  "AVAX",
  "MATIC",
  "USDC",
  "USDT",
]);

function asset(a: string): string {
  const u = a.toUpperCase();
  return ALIASES[u] ?? u;
}

/**
 * `BASE/QUOTE` for a symbol, or undefined when it cannot be split.
 *
 * @example
 * ```ts
 * normalizeSymbol("BTCUSDT"); // "BTC/USDT"
 * normalizeSymbol("XBTUSD"); // "BTC/USD"
 * normalizeSymbol("ETH"); // undefined (no quote)
 * ```
 */
export function normalizeSymbol(raw: string): string | undefined {
  const s = raw.trim();
  for (const sep of ["/", "-", "_"]) {
    const i = s.indexOf(sep);
    if (i > 0 && i < s.length - 1 && s.indexOf(sep, i + 1) < 0) {
      return `${asset(s.slice(0, i))}/${asset(s.slice(i + 1))}`;
    }
  }
  const u = s.toUpperCase();
  if (!/^[A-Z0-9]+$/.test(u)) return undefined;
  const splits = QUOTES.filter((q) => u.length > q.length + 1 && u.endsWith(q))
    .map((q) => [u.slice(0, -q.length), q] as const);
  const [base, quote] = splits.find(([b]) => KNOWN_BASES.has(b)) ?? splits[0] ?? [];
  return base && quote ? `${asset(base)}/${asset(quote)}` : undefined;
}

/** True when `s` is a known quote currency (`USDT`, `USD`, `XBT`, …). */
export function isQuote(s: string): boolean {
  return (QUOTES as readonly string[]).includes(s.toUpperCase());
}
