/**
 * Hashing: the one SHA-256 every layer uses (artifacts, feature sets, data
 * fingerprints, API key secrets).
 *
 * @module
 */

/**
 * Lower-case hex SHA-256 of bytes.
 *
 * @example
 * ```ts
 * await sha256Hex(new TextEncoder().encode("abc")); // "ba7816bf…"
 * ```
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}
