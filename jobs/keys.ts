/**
 * API keys as jobs: the `keys` task's operations, the key from
 * `PREVISION_API_KEY` registered before serving, and the key `start` makes
 * for a first run. Every one of them writes the keys file the API reads.
 *
 * @module
 */
import type { Config } from "../core/config.ts";
import {
  createKey,
  exportKeys,
  keysFile,
  listKeys,
  registerKey,
  revokeKey,
  type StoredKey,
} from "../warehouse/keys.ts";
import { consoleLog, type Log } from "./log.ts";
import { withWriter } from "./writer.ts";

/** The name the key from `PREVISION_API_KEY` is registered under. */
export const ENV_KEY_NAME = "PREVISION_API_KEY";

/** The key operations {@link withKeys} hands out. */
export interface KeyStore {
  /** Creates a key; the full key is returned once. */
  create(options: { name: string; expiresAt?: string }): Promise<{ key_id: string; key: string }>;
  /** Every key (never a secret). */
  list(): Promise<StoredKey[]>;
  /** Revokes a key; false when there is no such key. */
  revoke(keyId: string): Promise<boolean>;
}

/**
 * Runs `fn` with the warehouse's keys, then writes the keys file (not when
 * `fn` throws).
 *
 * @example
 * ```ts
 * const keys = await withKeys(cfg, (k) => k.list());
 * ```
 */
export async function withKeys<T>(
  cfg: Config,
  fn: (keys: KeyStore) => Promise<T>,
  options: { log?: Log } = {},
): Promise<T> {
  return await withWriter(cfg.db, async (wh) => {
    const r = await fn({
      create: (o) => createKey(wh, o),
      list: () => listKeys(wh),
      revoke: (id) => revokeKey(wh, id),
    });
    await exportKeys(wh, keysFile(cfg.db));
    return r;
  }, { log: options.log ?? consoleLog });
}

/**
 * Registers the key in `PREVISION_API_KEY` (when set) and writes the keys file.
 *
 * @example
 * ```ts
 * await registerEnvKey(cfg);
 * ```
 */
export async function registerEnvKey(cfg: Config, options: { log?: Log } = {}): Promise<void> {
  if (!cfg.apiKey) return;
  await withWriter(cfg.db, async (wh) => {
    await registerKey(wh, cfg.apiKey!, ENV_KEY_NAME);
    await exportKeys(wh, keysFile(cfg.db));
  }, { log: options.log ?? consoleLog });
}

/**
 * The key `start` shows a first-time user: when no `PREVISION_API_KEY` is
 * set and no live key named `start` exists, one is made and returned (shown
 * once); otherwise undefined.
 *
 * @example
 * ```ts
 * const newKey = await startKey(cfg);
 * ```
 */
export async function startKey(
  cfg: Config,
  options: { log?: Log } = {},
): Promise<string | undefined> {
  if (cfg.apiKey) return undefined;
  return await withWriter(cfg.db, async (wh) => {
    const existing = (await listKeys(wh)).filter((k) => k.name === "start" && !k.revoked_at);
    if (existing.length > 0) return undefined;
    const key = (await createKey(wh, { name: "start" })).key;
    await exportKeys(wh, keysFile(cfg.db));
    return key;
  }, { log: options.log ?? consoleLog });
}
