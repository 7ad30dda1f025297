/**
 * API keys, the reader's side: the keys an API process accepts, from the
 * keys file the writers export (`warehouse/keys.ts`; hashes only).
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import { sha256Hex } from "../core/hash.ts";
import { splitKey, type StoredKey } from "../warehouse/keys.ts";

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

  private constructor(
    readonly path: string | undefined,
    readonly extra: readonly StoredKey[] = [],
  ) {}

  /**
   * A ring over a keys file (a missing file means no keys yet). `extra` keys
   * (the one in `PREVISION_API_KEY`) are accepted as well until the file
   * lists their id — from then on the file decides, so a revoked key stays
   * revoked — and a writer rewriting the file before the key reaches it
   * never locks the key out.
   */
  static async fromFile(
    path: string,
    options: { extra?: readonly StoredKey[] } = {},
  ): Promise<KeyRing> {
    const ring = new KeyRing(path, options.extra);
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
    const { key_id, secret } = await splitKey(token);
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

  /** The file's keys, plus each extra key the file does not list. */
  #withExtra(keys: Map<string, StoredKey>): Map<string, StoredKey> {
    for (const k of this.extra) if (!keys.has(k.key_id)) keys.set(k.key_id, k);
    return keys;
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
      this.#keys = this.#withExtra(new Map(keys.map((k) => [k.key_id, k])));
      this.#verified.clear();
      this.#mtime = m;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) this.#keys = this.#withExtra(new Map());
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
