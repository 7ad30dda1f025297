import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse } from "../warehouse/db.ts";
import {
  createKey,
  envStoredKey,
  exportKeys,
  listKeys,
  parseKey,
  registerKey,
  revokeKey,
} from "../warehouse/keys.ts";
import { KeyRing } from "./keys.ts";

Deno.test("keys: created keys verify, are stored only as hashes, and stop working when revoked or expired", async () => {
  const dir = await Deno.makeTempDir();
  const wh = await openWarehouse(join(dir, "w.duckdb"));
  const file = join(dir, "api-keys.json");
  const a = await createKey(wh, { name: "a" });
  const b = await createKey(wh, { name: "b", expiresAt: "2001-01-01" });
  await exportKeys(wh, file);
  const ring = await KeyRing.fromFile(file);
  assert.equal(await ring.verify(a.key), a.key_id);
  assert.equal(await ring.verify(b.key), undefined, "expired");
  assert.equal(await ring.verify(a.key.replace(/.$/, (c) => (c === "A" ? "B" : "A"))), undefined);
  const text = await Deno.readTextFile(file) +
    JSON.stringify(await wh.rows("SELECT * FROM api_keys"));
  // The secret is base64url and may itself hold "_": take everything after the id.
  const secret = parseKey(a.key)!.secret;
  assert.ok(secret.length >= 40 && !text.includes(secret), "the secret is never stored");
  assert.ok(await revokeKey(wh, a.key_id));
  assert.equal(await revokeKey(wh, "nope"), false);
  await exportKeys(wh, file);
  await new Promise((r) => setTimeout(r, 1100)); // the ring re-reads its file at most once a second
  assert.equal(await ring.verify(a.key), undefined, "revoked");
  wh.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("registerKey() stores PREVISION_API_KEY hashed, once", async () => {
  const wh = await openWarehouse(":memory:");
  const id1 = await registerKey(wh, "my-own-secret-key-123", "env");
  const id2 = await registerKey(wh, "my-own-secret-key-123", "env");
  assert.equal(id1, id2);
  const ks = await listKeys(wh);
  assert.equal(ks.length, 1);
  assert.ok(!JSON.stringify(ks).includes("my-own-secret-key-123"));
  const ring = KeyRing.of(ks);
  assert.equal(await ring.verify("my-own-secret-key-123"), id1);
  await assert.rejects(() => registerKey(wh, "short", "env"), /at least 16/);
  wh.close();
});

Deno.test("registerKey() with a rotated PREVISION_API_KEY revokes the one registered before", async () => {
  const wh = await openWarehouse(":memory:");
  const old = await registerKey(wh, "the-old-secret-key-0001", "PREVISION_API_KEY");
  const other = await registerKey(wh, "someone-elses-key-0002", "ci");
  const now = await registerKey(wh, "the-new-secret-key-0003", "PREVISION_API_KEY");
  const ring = KeyRing.of(await listKeys(wh));
  assert.equal(await ring.verify("the-old-secret-key-0001"), undefined, "old key retired");
  assert.equal(await ring.verify("the-new-secret-key-0003"), now);
  assert.equal(await ring.verify("someone-elses-key-0002"), other, "other names untouched");
  assert.notEqual(old, now);
  // Registering the current key again changes nothing.
  await registerKey(wh, "the-new-secret-key-0003", "PREVISION_API_KEY");
  assert.equal(await KeyRing.of(await listKeys(wh)).verify("the-new-secret-key-0003"), now);
  // Rolling back to the retired key does not revive it, nor revoke the current one.
  await registerKey(wh, "the-old-secret-key-0001", "PREVISION_API_KEY");
  const after = KeyRing.of(await listKeys(wh));
  assert.equal(await after.verify("the-old-secret-key-0001"), undefined);
  assert.equal(await after.verify("the-new-secret-key-0003"), now);
  // A key made by hand and used as the environment's key is left alone, and leaves others.
  const made = await createKey(wh, { name: "ops" });
  await registerKey(wh, made.key, "PREVISION_API_KEY");
  const last = KeyRing.of(await listKeys(wh));
  assert.equal(await last.verify(made.key), made.key_id);
  assert.equal(await last.verify("the-new-secret-key-0003"), now);
  wh.close();
});

Deno.test("KeyRing: the environment's key works before the keys file lists it, and the file decides once it does", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "api-keys.json");
  const token = "an-environment-key-0123456789";
  const env = await envStoredKey(token);
  const other = { ...env, key_id: "abcdef012345", name: "other" };
  const write = (keys: unknown[]) => Deno.writeTextFile(file, JSON.stringify(keys));

  // No keys file yet, then one a writer exported before the key was registered.
  assert.equal(await (await KeyRing.fromFile(file, { extra: [env] })).verify(token), env.key_id);
  await write([other]);
  const ring = await KeyRing.fromFile(file, { extra: [env] });
  assert.equal(await ring.verify(token), env.key_id);
  assert.equal(await ring.verify("an-environment-key-wrong-secret"), undefined);
  assert.equal(await KeyRing.fromFile(file).then((r) => r.verify(token)), undefined);
  // Revoked in the warehouse: the file lists it so, and the environment cannot revive it.
  await write([other, { ...env, revoked_at: "2026-01-01T00:00:00" }]);
  assert.equal(await (await KeyRing.fromFile(file, { extra: [env] })).verify(token), undefined);
});
