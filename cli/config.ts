/**
 * Configuration from the environment (a `.env` file is loaded by the tasks).
 * Every variable is listed in `.env.example`; no secret is ever printed.
 *
 * @module
 */
import { join } from "node:path";

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
  };
}
