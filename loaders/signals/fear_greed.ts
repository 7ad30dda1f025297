/**
 * The Crypto Fear & Greed Index from alternative.me: `GET /fng/?limit=N`
 * (`limit=0` for the whole history) on the host of `FEAR_GREED_BASE_URL`.
 *
 * The answer is `{ name, data: [{ value, value_classification, timestamp,
 * time_until_update? }], metadata: { error } }`, newest first, with numbers
 * as strings and `timestamp` in unix seconds (00:00 UTC of the day). The
 * index is market-wide: stored with `symbol` NULL, name `value` (0–100).
 *
 * @module
 */
import type { Rejected } from "../validate.ts";
import { dailyAvailableAt, DAY_MS, dayOf } from "./available.ts";
import { getJson, type GetJsonOptions } from "./http.ts";
import type { SignalRow } from "./store.ts";
import type { PulledSignals } from "./token_metrics.ts";

/** The source name under which the index is stored. */
export const FEAR_GREED_SOURCE = "fear-greed";

/** alternative.me's public host. */
export const FEAR_GREED_DEFAULT_URL = "https://api.alternative.me";

/** The index's classes by value: Extreme Fear < 25 ≤ Fear < 45 ≤ Neutral ≤ 55 < Greed < 75 ≤ Extreme Greed. */
export function fearGreedClass(value: number): string {
  if (value < 25) return "Extreme Fear";
  if (value < 45) return "Fear";
  if (value <= 55) return "Neutral";
  if (value < 75) return "Greed";
  return "Extreme Greed";
}

/** Options for {@link fetchFearGreed}. */
export interface FearGreedOptions {
  /** `FEAR_GREED_BASE_URL`; default {@link FEAR_GREED_DEFAULT_URL}. */
  baseUrl?: string;
  /** Keep days from this one on (ms); asks only for the days needed. Default: all history. */
  since?: number;
  /** The clock: a row is known by min(end of its day, now). Default Date.now(). */
  now?: number;
  http?: Partial<GetJsonOptions>;
}

/**
 * Pulls the index history.
 *
 * @example
 * ```ts
 * const { rows } = await fetchFearGreed({ since: Date.UTC(2025, 0, 1) });
 * ```
 */
export async function fetchFearGreed(options: FearGreedOptions = {}): Promise<PulledSignals> {
  const base = (options.baseUrl || FEAR_GREED_DEFAULT_URL).replace(/\/+$/, "");
  const now = options.now ?? Date.now();
  const since = options.since === undefined ? undefined : dayOf(options.since);
  const limit = since === undefined ? 0 : Math.max(1, Math.ceil((now - since) / DAY_MS) + 2);
  const path = `/fng/?limit=${limit}&format=json`;
  const body = await getJson(base + path, {
    describe: "alternative.me Fear & Greed",
    ...options.http,
  });
  const items = itemsOf(body, path);
  const out: PulledSignals = { rows: [], rejects: [], requests: 1 };
  items.forEach((item, i) => {
    const r = fearGreedRow(item, `GET ${path} [${i}]`, now);
    if ("reason" in r) out.rejects.push(r);
    else if (since === undefined || r.ts >= since) out.rows.push(r);
  });
  return out;
}

/**
 * One alternative.me item as a signal value, or why it is refused.
 *
 * @param seenAt when it was pulled (ms); Infinity for a file.
 *
 * @example
 * ```ts
 * fearGreedRow({ value: "40", value_classification: "Fear", timestamp: "1551157200" }, "fng.json [0]", Infinity);
 * ```
 */
export function fearGreedRow(
  item: unknown,
  ref: string,
  seenAt: number,
  source = FEAR_GREED_SOURCE,
): SignalRow | Rejected {
  const raw = JSON.stringify(item);
  if (typeof item !== "object" || item === null) return { ref, reason: "not an object", raw };
  const o = item as Record<string, unknown>;
  const t = typeof o.timestamp === "string" || typeof o.timestamp === "number"
    ? Number(o.timestamp)
    : NaN;
  if (!Number.isFinite(t) || t <= 0) {
    return { ref, reason: `timestamp ${JSON.stringify(o.timestamp)} is not unix seconds`, raw };
  }
  const value = typeof o.value === "string" || typeof o.value === "number" ? Number(o.value) : NaN;
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    return { ref, reason: `value ${JSON.stringify(o.value)} is not a number from 0 to 100`, raw };
  }
  const day = dayOf(t * 1000);
  return {
    source,
    symbol: null,
    ts: day,
    name: "value",
    value,
    available_at: dailyAvailableAt(day, seenAt),
    raw,
    ref,
  };
}

/** The `data` items of an alternative.me answer. */
export function itemsOf(body: unknown, where: string): unknown[] {
  if (typeof body === "object" && body !== null && !Array.isArray(body)) {
    const b = body as { data?: unknown; metadata?: { error?: unknown } };
    if (b.metadata?.error) {
      throw new Error(`alternative.me: ${where} answered an error: ${String(b.metadata.error)}`);
    }
    if (Array.isArray(b.data)) return b.data;
  }
  throw new Error(
    `alternative.me: ${where} is not a Fear & Greed answer ({ data: [...] }): ${
      JSON.stringify(body).slice(0, 200)
    }`,
  );
}
