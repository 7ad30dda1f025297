import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse } from "../warehouse/db.ts";
import { importRequestLogs } from "../warehouse/request_logs.ts";
import { RequestLog } from "./request_log.ts";

Deno.test("RequestLog: flushed lines import into api_requests exactly, then the files are gone", async () => {
  const dir = await Deno.makeTempDir();
  const logDir = join(dir, "api-requests");
  const log = new RequestLog(logDir, { intervalMs: 60_000 });
  const t = Date.parse("2026-03-01T12:34:56.789Z");
  // Enough rows to cross the flush's 1000-line slices; odd paths must survive intact.
  for (let i = 0; i < 2500; i++) {
    log.add({
      ts: t + i,
      method: "GET",
      path: "/api/v1/ohlcv",
      status: 200,
      ms: 0.25,
      key_id: "k1",
    });
  }
  log.add({
    ts: "2026-03-01T13:00:00Z",
    method: "POST",
    path: '/x"y\\z\u00e9\n',
    status: 404,
    ms: 1.5,
  });
  await log.close();
  const files = [...Deno.readDirSync(logDir)].filter((e) => e.name.endsWith(".jsonl"));
  assert.equal(files.length, 1);

  const wh = await openWarehouse(join(dir, "w.duckdb"));
  try {
    assert.equal(await importRequestLogs(wh, logDir), 2501);
    const first = await wh.one<{ ts: string; n: number }>(
      "SELECT min(ts) AS ts, count(*) AS n FROM api_requests WHERE key_id = 'k1'",
    );
    assert.equal(first?.n, 2500);
    assert.equal(first?.ts, "2026-03-01T12:34:56.789Z");
    const odd = await wh.one<{ ts: string; path: string; status: number; key_id: string | null }>(
      "SELECT ts, path, status, key_id FROM api_requests WHERE method = 'POST'",
    );
    assert.deepEqual(odd, {
      ts: "2026-03-01T13:00:00.000Z",
      path: '/x"y\\z\u00e9\n',
      status: 404,
      key_id: null,
    });
    assert.equal([...Deno.readDirSync(logDir)].length, 0);
    // Nothing left: a second import adds nothing.
    assert.equal(await importRequestLogs(wh, logDir), 0);
  } finally {
    wh.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("RequestLog: a busy minute is one file, sealed when the minute passes; the open one is not imported", async () => {
  const dir = await Deno.makeTempDir();
  const logDir = join(dir, "api-requests");
  const log = new RequestLog(logDir, { intervalMs: 60_000 });
  const wh = await openWarehouse(join(dir, "w.duckdb"));
  // All five flushes within one minute of the clock.
  const left = 60_000 - Date.now() % 60_000;
  if (left < 2000) await new Promise((r) => setTimeout(r, left + 100));
  try {
    for (let f = 0; f < 5; f++) {
      log.add({ ts: Date.now(), method: "GET", path: "/api/health", status: 200, ms: 0.1 });
      await log.flush();
    }
    const names = () => [...Deno.readDirSync(logDir)].map((e) => e.name);
    assert.equal(names().length, 1, `five flushes, one file: ${names()}`);
    assert.ok(names()[0].startsWith("."), "still open: a dot file");
    assert.equal(await importRequestLogs(wh, logDir), 0, "an open file is not imported");
    await log.close();
    assert.ok(!names()[0].startsWith("."), "sealed on close");
    assert.equal(await importRequestLogs(wh, logDir), 5);
  } finally {
    wh.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("RequestLog: a file abandoned mid-line by a killed server imports its whole lines", async () => {
  const dir = await Deno.makeTempDir();
  const logDir = join(dir, "api-requests");
  await Deno.mkdir(logDir);
  const line =
    '{"ts":1700000000000,"method":"GET","path":"/api/health","status":200,"ms":0.1,"key_id":null}\n';
  const part = join(logDir, ".1700000000000-dead.jsonl");
  await Deno.writeTextFile(part, line + line + '{"ts":17000');
  const old = new Date(Date.now() - 10 * 60_000);
  await Deno.utime(part, old, old);
  const wh = await openWarehouse(join(dir, "w.duckdb"));
  try {
    assert.equal(await importRequestLogs(wh, logDir), 2);
    assert.equal([...Deno.readDirSync(logDir)].length, 0);
  } finally {
    wh.close();
    await Deno.remove(dir, { recursive: true });
  }
});
