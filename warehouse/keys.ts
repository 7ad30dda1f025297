/**
 * API keys, the writer's side: `pv_<key_id>_<secret>`, where the secret is
 * 32 random bytes. Only the secret's SHA-256 is stored (`api_keys`, owned
 * here); the full key is shown once, when created.
 *
 * The API process never opens the warehouse: writers export the key table
 * (hashes only) to a keys file that the API's `KeyRing` (`api/keys.ts`)
 * reloads when it changes.
 *
 * @module
 */
import { dirname, join } from "node:path";
import type { Warehouse } from "./db.ts";
import { sha256Hex } from "../core/hash.ts";

/** A key as stored: no secret, only its hash. */
export interface StoredKey {
  key_id: string;
  name: string;
  secret_sha256: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

/** The keys file beside the warehouse: `<dir>/api-keys.json`. */
export function keysFile(dbPath: string): string {
  return join(dirname(dbPath), "api-keys.json");
}

/**
 * Creates a key and stores its hash. Returns the full key: show it once.
 *
 * @example
 * ```ts
 * const { key } = await createKey(wh, { name: "ci" });
 * ```
 */
export async function createKey(
  wh: Warehouse,
  options: { name: string; expiresAt?: string; secret?: string },
): Promise<{ key_id: string; key: string }> {
  const key_id = hex(crypto.getRandomValues(new Uint8Array(6)));
  const secret = options.secret ?? base64url(crypto.getRandomValues(new Uint8Array(32)));
  await storeKey(wh, key_id, options.name, secret, options.expiresAt);
  return { key_id, key: `pv_${key_id}_${secret}` };
}

/**
 * Registers a key given from outside (`PREVISION_API_KEY`): stored hashed,
 * idempotent (the same key registers once); a new key revokes the one
 * registered before under the same name (reserved: `keys create` refuses it),
 * so rotating the variable retires the old secret. A revoked key is never
 * revived from the environment. Any string of 16+ characters works; a
 * `pv_<id>_<secret>` key keeps its id.
 */
export async function registerKey(wh: Warehouse, key: string, name: string): Promise<string> {
  if (key.length < 16) {
    throw new RangeError("PREVISION_API_KEY must be at least 16 characters long");
  }
  const { key_id, secret } = await splitKey(key);
  const existing = await wh.one<{ name: string; revoked_at: string | null }>(
    "SELECT name, revoked_at FROM api_keys WHERE key_id = ?",
    [key_id],
  );
  if (existing?.revoked_at) {
    // Revoked (by hand, or by a rotation): never revived from the environment.
    console.error(
      `${name} is a key revoked at ${existing.revoked_at}: it is refused; set a new one`,
    );
    return key_id;
  }
  if (!existing) await storeKey(wh, key_id, name, secret);
  else if (existing.name !== name) return key_id; // a key made with `keys create`: yours to manage
  // A rotated key replaces the one registered before under the same name.
  await wh.run(
    `UPDATE api_keys SET revoked_at = now()::TIMESTAMP
     WHERE name = ? AND key_id <> ? AND revoked_at IS NULL`,
    [name, key_id],
  );
  return key_id;
}

/** Lists keys (never secrets). */
export async function listKeys(wh: Warehouse): Promise<StoredKey[]> {
  return await wh.rows<StoredKey & Record<string, unknown>>(
    `SELECT key_id, name, secret_sha256, created_at, expires_at, revoked_at
     FROM api_keys ORDER BY created_at`,
  );
}

/** Revokes a key; false when there is no such key. */
export async function revokeKey(wh: Warehouse, keyId: string): Promise<boolean> {
  const k = await wh.one("SELECT key_id FROM api_keys WHERE key_id = ?", [keyId]);
  if (!k) return false;
  await wh.run(
    "UPDATE api_keys SET revoked_at = now()::TIMESTAMP WHERE key_id = ? AND revoked_at IS NULL",
    [keyId],
  );
  return true;
}

/** Writes the keys file (hashes only, mode 0600) atomically. */
export async function exportKeys(wh: Warehouse, path: string): Promise<void> {
  const keys = await listKeys(wh);
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(keys, null, 1), { mode: 0o600 });
  await Deno.rename(tmp, path);
}

/** The name a key given in `PREVISION_API_KEY` is registered under. */
export const ENV_KEY_NAME = "PREVISION_API_KEY";

/**
 * How a key from the environment is stored: its id and its secret's hash,
 * never revoked, no expiry. An API process accepts it from this before the
 * warehouse has registered it.
 *
 * @example
 * ```ts
 * const k = await envStoredKey("a-long-enough-secret-key");
 * k.name; // "PREVISION_API_KEY"
 * ```
 */
export async function envStoredKey(token: string): Promise<StoredKey> {
  const { key_id, secret } = await splitKey(token);
  return {
    key_id,
    name: ENV_KEY_NAME,
    secret_sha256: await sha256Hex(new TextEncoder().encode(secret)),
    created_at: new Date().toISOString().replace("Z", ""),
    expires_at: null,
    revoked_at: null,
  };
}

/** Splits `pv_<id>_<secret>`; undefined for anything else. */
export function parseKey(key: string): { key_id: string; secret: string } | undefined {
  const m = /^pv_([0-9a-f]{12})_([A-Za-z0-9_-]{16,128})$/.exec(key);
  return m ? { key_id: m[1], secret: m[2] } : undefined;
}

/**
 * The id and secret of any token: a `pv_<id>_<secret>` key keeps its id; any
 * other string (a key from the environment) is its own secret, under an id
 * derived from its hash.
 */
export async function splitKey(token: string): Promise<{ key_id: string; secret: string }> {
  return parseKey(token) ??
    {
      key_id: "env" + (await sha256Hex(new TextEncoder().encode(token))).slice(0, 9),
      secret: token,
    };
}

async function storeKey(
  wh: Warehouse,
  key_id: string,
  name: string,
  secret: string,
  expiresAt?: string,
): Promise<void> {
  const secret_sha256 = await sha256Hex(new TextEncoder().encode(secret));
  await wh.run(
    `INSERT INTO api_keys (key_id, name, secret_sha256, created_at, expires_at)
     VALUES (?, ?, ?, now()::TIMESTAMP, ?::TIMESTAMP)`,
    [key_id, name, secret_sha256, expiresAt ?? null],
  );
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

function base64url(b: Uint8Array): string {
  return btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
