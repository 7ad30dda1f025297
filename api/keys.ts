/**
 * API keys: `pv_<key_id>_<secret>`, where the secret is 32 random bytes.
 * Only the secret's SHA-256 is stored (`api_keys` in the warehouse); the
 * full key is shown once, when created.
 *
 * The API process never opens the warehouse: writers export the key table
 * (hashes only) to a keys file that the API's {@link KeyRing} reloads when
 * it changes.
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import { dirname, join } from "node:path";
import type { Warehouse } from "../warehouse/db.ts";
import { sha256Hex } from "../pipeline/features/core.ts";

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
  const parsed = parseKey(key);
  const key_id = parsed?.key_id ??
    "env" + (await sha256Hex(new TextEncoder().encode(key))).slice(0, 9);
  const secret = parsed?.secret ?? key;
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

/** Splits `pv_<id>_<secret>`; undefined for anything else. */
export function parseKey(key: string): { key_id: string; secret: string } | undefined {
  const m = /^pv_([0-9a-f]{12})_([A-Za-z0-9_-]{16,128})$/.exec(key);
  return m ? { key_id: m[1], secret: m[2] } : undefined;
}

/**
 * The keys an API process accepts, reloaded from the keys file when it
 * changes (checked at most once a second).
 *
 * @example
 * ```ts
 * const ring = await KeyRing.fromFile("data/api-keys.json");
 * const keyId = await ring.verify(bearerToken); // undefined when refused
 * ```
 */
export class KeyRing {
  #keys = new Map<string, StoredKey>();
  #mtime = -1;
  #checked = 0;
  /**
   * Recently verified tokens → key id and the time the key expires (ms, or
   * Infinity); cleared whenever the keys file changes (a revocation, say).
   */
  #verified = new Map<string, { id: string; until: number }>();

  private constructor(readonly path: string | undefined) {}

  /** A ring over a keys file (a missing file means no keys yet). */
  static async fromFile(path: string): Promise<KeyRing> {
    const ring = new KeyRing(path);
    await ring.#reload(true);
    return ring;
  }

  /** A fixed ring, for tests and embedding. */
  static of(keys: StoredKey[]): KeyRing {
    const ring = new KeyRing(undefined);
    for (const k of keys) ring.#keys.set(k.key_id, k);
    return ring;
  }

  /** Number of usable keys. */
  get size(): number {
    return [...this.#keys.values()].filter((k) => usable(k, Date.now())).length;
  }

  /**
   * The key id of a token verified recently, without awaiting anything; `undefined`
   * when the token must go through {@link verify} (unknown, or the keys file is due a check).
   */
  cached(token: string, now: number = Date.now()): string | undefined {
    if (this.path && now - this.#checked >= 1000) return undefined;
    const hit = this.#verified.get(token);
    return hit !== undefined && now < hit.until ? hit.id : undefined;
  }

  /** The key id when `token` is a valid, unexpired, unrevoked key. */
  async verify(token: string): Promise<string | undefined> {
    // The file is checked at most once a second; skip the await on the hot path.
    if (this.path && Date.now() - this.#checked >= 1000) await this.#reload(false);
    const hit = this.#verified.get(token);
    if (hit !== undefined) {
      if (Date.now() < hit.until) return hit.id;
      this.#verified.delete(token);
    }
    const parsed = parseKey(token);
    const key_id = parsed?.key_id ??
      "env" + (await sha256Hex(new TextEncoder().encode(token))).slice(0, 9);
    const secret = parsed?.secret ?? token;
    const stored = this.#keys.get(key_id);
    // Hash even when the id is unknown, so timing does not tell ids apart.
    const got = new TextEncoder().encode(await sha256Hex(new TextEncoder().encode(secret)));
    const want = new TextEncoder().encode(stored?.secret_sha256 ?? "0".repeat(64));
    const same = got.length === want.length && timingSafeEqual(got, want);
    if (!(stored && same && usable(stored, Date.now()))) return undefined;
    // Hashing on every request is the API's main cost: remember good tokens.
    if (this.#verified.size >= 1000) this.#verified.clear();
    this.#verified.set(token, { id: key_id, until: expiresMs(stored) });
    return key_id;
  }

  async #reload(force: boolean): Promise<void> {
    if (!this.path) return;
    const now = Date.now();
    if (!force && now - this.#checked < 1000) return;
    this.#checked = now;
    try {
      const st = await Deno.stat(this.path);
      const m = st.mtime?.getTime() ?? 0;
      if (!force && m === this.#mtime) return;
      const keys = JSON.parse(await Deno.readTextFile(this.path)) as StoredKey[];
      this.#keys = new Map(keys.map((k) => [k.key_id, k]));
      this.#verified.clear();
      this.#mtime = m;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) this.#keys = new Map();
      // A half-written or broken file keeps the last good keys.
    }
  }
}

function usable(k: StoredKey, now: number): boolean {
  return !k.revoked_at && now < expiresMs(k);
}

/** When a key stops working (ms since the epoch), or Infinity. */
function expiresMs(k: StoredKey): number {
  if (!k.expires_at) return Infinity;
  return Date.parse(k.expires_at.endsWith("Z") ? k.expires_at : k.expires_at + "Z");
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
