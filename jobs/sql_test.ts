import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig } from "../core/config.ts";
import { openWarehouse } from "../warehouse/db.ts";
import { publishSnapshot } from "../warehouse/publish.ts";
import { queryWarehouse } from "./sql.ts";

/** Starts a process holding `db` as its writer; resolves once it has it. */
async function holdWriter(db: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./testdata/hold_writer.ts", import.meta.url).pathname, db],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  assert.match(new TextDecoder().decode(value), /ready/);
  reader.releaseLock();
  return async () => {
    await child.stdin.close();
    await child.stdout.cancel();
    await child.status;
  };
}

Deno.test({
  name:
    "queryWarehouse() reads the current snapshot while a writer runs; live waits for the writer, saying so",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "prevision-sql-" });
    const db = join(dir, "w.duckdb");
    const cfg = { ...loadConfig(() => undefined), db };
    Deno.env.set("PREVISION_SNAPSHOTS", join(dir, "snapshots"));
    try {
      const wh = await openWarehouse(db);
      await wh.run(
        `INSERT INTO ohlcv (exchange, symbol, timeframe, ts, open, high, low, close, volume)
         VALUES ('x', 'BTC/USDT', '1h', '2026-01-01', 1, 2, 0.5, 1.5, 10)`,
      );
      await publishSnapshot(wh);
      wh.close();
      const release = await holdWriter(db);
      let released = false;
      try {
        const rows = await queryWarehouse(cfg, "SELECT count(*)::INTEGER AS n FROM ohlcv");
        assert.deepEqual(rows, [{ n: 1 }], "the snapshot answers at once");
        const said: string[] = [];
        const live = queryWarehouse(cfg, "SELECT count(*)::INTEGER AS n FROM ingest_runs", {
          live: true,
          log: { out: () => {}, err: (l) => said.push(l) },
        });
        while (said.length === 0) await new Promise((r) => setTimeout(r, 50));
        assert.match(said[0], /waiting for the warehouse .*another process \(pid \d+\) is writing/);
        await release();
        released = true;
        assert.deepEqual(await live, [{ n: 0 }]);
      } finally {
        if (!released) await release();
      }
    } finally {
      Deno.env.delete("PREVISION_SNAPSHOTS");
      await Deno.remove(dir, { recursive: true });
    }
  },
});
