import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig } from "../core/config.ts";
import { sha256Hex } from "../core/hash.ts";
import { openWarehouse } from "../warehouse/db.ts";
import { keysFile, splitKey, type StoredKey } from "../warehouse/keys.ts";
import { acceptEnvKey } from "./keys.ts";

Deno.test({
  name:
    "acceptEnvKey() lists the key for the API at once while a writer runs, and registers it once the writer is free",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "prevision-envkey-" });
    const db = join(dir, "w.duckdb");
    const key = "an-operator-key-0123456789";
    const cfg = { ...loadConfig(() => undefined), db, apiKey: key };
    try {
      (await openWarehouse(db)).close();
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", new URL("./testdata/hold_writer.ts", import.meta.url).pathname, db],
        stdin: "piped",
        stdout: "piped",
      }).spawn();
      const reader = child.stdout.getReader();
      assert.match(new TextDecoder().decode((await reader.read()).value), /ready/);
      reader.releaseLock();
      const said: string[] = [];
      let registered: Promise<void> | undefined;
      try {
        const env = await acceptEnvKey(cfg, { log: { out: () => {}, err: (l) => said.push(l) } });
        registered = env?.registered;
        const { key_id, secret } = await splitKey(key);
        const listed = JSON.parse(await Deno.readTextFile(keysFile(db))) as StoredKey[];
        const k = listed.find((x) => x.key_id === key_id);
        assert.equal(k?.secret_sha256, await sha256Hex(new TextEncoder().encode(secret)));
        assert.equal(k?.revoked_at, null);
        // The registration waits for the writer meanwhile.
        while (!said.some((l) => /Waiting for the warehouse/.test(l))) {
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        await child.stdin.close();
        await child.stdout.cancel();
        await child.status;
      }
      await registered;
      const wh = await openWarehouse(db);
      const rows = await wh.rows("SELECT name FROM api_keys WHERE revoked_at IS NULL");
      wh.close();
      assert.deepEqual(rows, [{ name: "PREVISION_API_KEY" }]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
