/**
 * Progress of an exchange ingest: what is reported per page, and a printer
 * that draws one live bar on a terminal and sparse plain lines in logs.
 *
 * @module
 */

/** Reported after each page of one series. */
export interface Progress {
  exchange: string;
  symbol: string;
  timeframe: string;
  /** Candles fetched so far for this series. */
  fetched: number;
  /** Candles the range should hold (an upper bound: a market may list later). */
  expected: number;
  /** Candles per second over this series so far. */
  rate: number;
  /** Seconds left at the current rate; undefined before the rate is known. */
  etaSeconds?: number;
  /** True on the series' last report. */
  done: boolean;
}

/** Options for {@link progressPrinter}. */
export interface PrinterOptions {
  /** Draw a live bar (true) or plain lines (false). Default: stderr is a terminal. */
  tty?: boolean;
  /** Where text goes. Default stderr. */
  write?: (text: string) => void;
  /** Least time between plain lines (ms). Default 5000. */
  intervalMs?: number;
  /** The clock (ms). Default Date.now. */
  now?: () => number;
  /** Bar width in characters. Default 24. */
  width?: number;
}

/**
 * A progress callback that renders a single-line bar with rate and ETA on a
 * terminal (redrawn in place), and otherwise plain lines, at most one every
 * few seconds per run plus one when each series is done.
 *
 * @example
 * ```ts
 * await ingestExchange(wh, { exchange: "binance", symbols, timeframes, progress: progressPrinter() });
 * ```
 */
export function progressPrinter(options: PrinterOptions = {}): (p: Progress) => void {
  const tty = options.tty ?? isTerminal();
  const encoder = new TextEncoder();
  const write = options.write ?? ((s: string) => Deno.stderr.writeSync(encoder.encode(s)));
  const interval = options.intervalMs ?? 5_000;
  const clock = options.now ?? Date.now;
  const width = options.width ?? 24;
  let lastLine = -Infinity;
  return (p) => {
    if (tty) {
      const frac = p.expected > 0 ? Math.min(1, p.fetched / p.expected) : p.done ? 1 : 0;
      const full = Math.round(frac * width);
      const bar = "█".repeat(full) + "░".repeat(width - full);
      write(`\r\x1b[2K${label(p)} ${bar} ${summary(p)}${p.done ? "\n" : ""}`);
      return;
    }
    const t = clock();
    if (!p.done && t - lastLine < interval) return;
    lastLine = t;
    write(`${label(p)} ${summary(p)}${p.done ? " done" : ""}\n`);
  };
}

function label(p: Progress): string {
  return `${p.exchange} ${p.symbol} ${p.timeframe}`;
}

function summary(p: Progress): string {
  const pct = p.expected > 0
    ? ` (${Math.min(100, Math.round(100 * p.fetched / p.expected))}%)`
    : "";
  const eta = p.done || p.etaSeconds === undefined ? "" : `, ETA ${formatSeconds(p.etaSeconds)}`;
  return `${p.fetched}/${p.expected} candles${pct}, ${p.rate.toFixed(0)}/s${eta}`;
}

/** `75` → `1m15s`; `3700` → `1h01m`. */
export function formatSeconds(s: number): string {
  const n = Math.max(0, Math.round(s));
  if (n < 60) return `${n}s`;
  if (n < 3600) return `${Math.floor(n / 60)}m${String(n % 60).padStart(2, "0")}s`;
  return `${Math.floor(n / 3600)}h${String(Math.floor(n % 3600 / 60)).padStart(2, "0")}m`;
}

function isTerminal(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}
