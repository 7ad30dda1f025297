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
  ENV_KEY_NAME,
  envStoredKey,
  exportKeys,
  keysFile,
  listKeys,
  registerKey,
  revokeKey,
  type StoredKey,
} from "../warehouse/keys.ts";
import { dirname } from "node:path";
import { consoleLog, type Log } from "./log.ts";
import { withWriter } from "./writer.ts";

export { ENV_KEY_NAME };

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
 * Makes the API accept the key in `PREVISION_API_KEY` at once, without
 * waiting for a running writer: its hash is added to the keys file the API
 * reads (when that file does not list it yet, revoked or not), and the key
 * is registered in the warehouse in the background once the writer is free
 * (which rewrites the keys file from the warehouse). Returns that
 * registration (`registered`, which never rejects: a failure is logged), or
 * undefined when no key is set. A key shorter than 16 characters throws at once.
 *
 * @example
 * ```ts
 * const env = await acceptEnvKey(cfg);
 * // … serve …
 * await env?.registered;
 * ```
 */
export async function acceptEnvKey(
  cfg: Config,
  options: { log?: Log } = {},
): Promise<{ registered: Promise<void> } | undefined> {
  if (!cfg.apiKey) return undefined;
  if (cfg.apiKey.length < 16) {
    throw new RangeError("PREVISION_API_KEY must be at least 16 characters long");
  }
  const log = options.log ?? consoleLog;
  const path = keysFile(cfg.db);
  const stored = await envStoredKey(cfg.apiKey);
  const text = await Deno.readTextFile(path).catch(() => "[]");
  let keys: StoredKey[];
  try {
    keys = JSON.parse(text) as StoredKey[];
  } catch {
    keys = [];
  }
  if (!keys.some((k) => k.key_id === stored.key_id)) {
    keys.push(stored);
    await Deno.mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify(keys, null, 1), { mode: 0o600 });
    await Deno.rename(tmp, path);
  }
  // Wrapped in an object: an async function returning a bare promise would await it.
  const registered = registerEnvKey(cfg, { log }).catch((err) =>
    log.err(
      `PREVISION_API_KEY not registered in the warehouse: ${
        err instanceof Error ? err.message : String(err)
      }`,
    )
  );
  return { registered };
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
