import assert from "node:assert/strict";
import { join } from "node:path";

async function cli(args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli/main.ts", ...args],
    env: { ...env, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("update refuses to run beside another update (exit 75, names the holder) and leaves its lock alone", async () => {
  const dir = await Deno.makeTempDir();
  const lock = join(dir, ".update.lock");
  // This test process is alive: the lock is held.
  await Deno.writeTextFile(lock, `${Deno.pid}\n`);
  const r = await cli(["update"], { PREVISION_DB: join(dir, "w.duckdb") });
  assert.equal(r.code, 75, r.stderr);
  assert.match(r.stderr, new RegExp(`Another update is running \\(pid ${Deno.pid}\\)`));
  assert.equal((await Deno.readTextFile(lock)).trim(), String(Deno.pid));
  // Nothing was opened: no warehouse file appeared.
  await assert.rejects(() => Deno.stat(join(dir, "w.duckdb")));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("train and update name a bad --shard (exit 2)", async () => {
  const dir = await Deno.makeTempDir();
  for (const verb of ["train", "update"]) {
    const r = await cli([verb, "--shard", "4/3"], { PREVISION_DB: join(dir, "w.duckdb") });
    assert.equal(r.code, 2, `${verb}: ${r.stderr}`);
    assert.match(r.stderr, /--shard must be i\/n/);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a writer waits for another process holding the warehouse, then runs", async () => {
  const dir = await Deno.makeTempDir();
  const db = join(dir, "w.duckdb");
  // Hold the warehouse in a child process for ~3 s.
  const holder = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { openWarehouse } from "${new URL("../warehouse/db.ts", import.meta.url)}";
       const wh = await openWarehouse(${JSON.stringify(db)});
       console.log("held"); await new Promise((r) => setTimeout(r, 3000)); wh.close();`,
    ],
    stdout: "piped",
  }).spawn();
  const reader = holder.stdout.getReader();
  await reader.read(); // "held"
  reader.releaseLock();
  const t0 = Date.now();
  const r = await cli(["keys", "list"], { PREVISION_DB: db });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Waiting for the warehouse .* another process \(pid \d+\) is writing/);
  assert.ok(Date.now() - t0 >= 1000, "it waited");
  await holder.status;
  await holder.stdout.cancel().catch(() => {});
  await Deno.remove(dir, { recursive: true });
});

Deno.test("ingest --consolidate combines one symbol across exchanges, and names what it needs", async () => {
  const dir = await Deno.makeTempDir();
  const env = { PREVISION_DB: join(dir, "w.duckdb") };
  const file = "loaders/files/testdata/BTCUSDT-1h-2025-01.csv";
  for (const ex of ["alpha", "beta"]) {
    const r = await cli(["ingest", "--file", file, "--exchange", ex], env);
    assert.equal(r.code, 0, r.stderr);
  }
  const bad = await cli(["ingest", "--consolidate", "BTC/USDT", "--exchanges", "alpha"], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--consolidate SYMBOL needs --timeframe TF and --exchanges A,B/);
  const ok = await cli(
    ["ingest", "--consolidate", "BTC/USDT", "--timeframe", "1h", "--exchanges", "alpha,beta"],
    env,
  );
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /consolidate BTC\/USDT 1h from alpha, beta as consolidated: \d+ loaded/);
  const q = await cli([
    "sql",
    "--json",
    "SELECT exchange, count(*) AS n, sum(volume) AS v FROM ohlcv GROUP BY ALL ORDER BY 1",
  ], env);
  const rows = JSON.parse(q.stdout) as { exchange: string; n: number; v: number }[];
  const [a, b, c] = [rows[0], rows[1], rows.find((r) => r.exchange === "consolidated")!];
  assert.equal(c.n, a.n);
  assert.ok(Math.abs(c.v - (a.v + b.v)) < 1e-6 * c.v, "volumes add up");
  await Deno.remove(dir, { recursive: true });
});
