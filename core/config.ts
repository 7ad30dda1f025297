/**
 * Configuration from the environment (a `.env` file is loaded by the tasks).
 * Every variable is listed in `.env.example`; no secret is ever printed.
 *
 * @module
 */
import { join } from "node:path";

/**
 * Loads `KEY=value` lines from a `.env` file into the environment, without
 * overriding variables already set. A missing file is fine.
 *
 * @example
 * ```ts
 * loadDotEnv(".env");
 * ```
 */
export function loadDotEnv(path = ".env"): void {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    return;
  }
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(t);
    if (!m) throw new SyntaxError(`${path} line ${i + 1}: expected KEY=value`);
    let v = m[2];
    if (/^(['"]).*\1$/.test(v)) v = v.slice(1, -1);
    if (Deno.env.get(m[1]) === undefined) Deno.env.set(m[1], v);
  });
}

/** Where things live and how to serve them. */
export interface Config {
  /** The warehouse file (`PREVISION_DB`). */
  db: string;
  /** Model artifacts (`PREVISION_MODELS`, default `models`). */
  models: string;
  /** The built site (`PREVISION_DIST`, default `dist`). */
  dist: string;
  /** HTTP port (`PORT`). */
  port: number;
  /** A key to register at start (`PREVISION_API_KEY`). */
  apiKey?: string;
  /** Requests a minute per API key (`PREVISION_RATE_LIMIT`, default 1200; 0 = no limit). */
  rateLimit: number;
  /** Health is 503 when data is older than this many hours (`PREVISION_STALE_AFTER_HOURS`; 0 = off). */
  staleAfterHours: number;
  /** Origins allowed by CORS on /api (`PREVISION_CORS_ORIGINS`, comma-separated; off by default). */
  corsOrigins: string[];
}

/**
 * Reads the configuration; a bad value fails with the variable's name.
 *
 * @example
 * ```ts
 * const { db, port } = loadConfig();
 * ```
 */
export function loadConfig(
  env: (k: string) => string | undefined = (k) => Deno.env.get(k),
): Config {
  const port = Number(env("PORT") ?? "8000");
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`PORT must be an integer from 0 to 65535, got "${env("PORT")}"`);
  }
  return {
    db: env("PREVISION_DB") || join("data", "warehouse.duckdb"),
    models: env("PREVISION_MODELS") || "models",
    dist: env("PREVISION_DIST") || "dist",
    port,
    apiKey: env("PREVISION_API_KEY") || undefined,
    rateLimit: nonNegativeInt("PREVISION_RATE_LIMIT", env("PREVISION_RATE_LIMIT") ?? "1200"),
    staleAfterHours: nonNegativeInt(
      "PREVISION_STALE_AFTER_HOURS",
      env("PREVISION_STALE_AFTER_HOURS") ?? "0",
    ),
    corsOrigins: (env("PREVISION_CORS_ORIGINS") ?? "").split(",").map((o) => o.trim()).filter(
      Boolean,
    ),
  };
}

function nonNegativeInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`${name} must be a whole number, got "${v}"`);
  }
  return n;
}
