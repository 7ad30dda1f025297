import assert from "node:assert/strict";
import { join } from "node:path";
import { acquireLock, LockedError } from "./lock.ts";

Deno.test("acquireLock: one holder at a time; the second is told who holds it; released on unlock", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, ".update.lock");
  const unlock = await acquireLock(path, { what: "update" });
  await assert.rejects(
    () => acquireLock(path, { what: "update" }),
    (e) =>
      e instanceof LockedError && e.message.includes(`pid ${Deno.pid}`) && e.message.includes(path),
  );
  await unlock();
  const again = await acquireLock(path, { what: "update" });
  await again();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("acquireLock breaks the lock of a dead process and a stale one", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, ".lock");
  // A PID that cannot be running: a finished child's.
  const child = new Deno.Command("true").spawn();
  const { pid } = child;
  await child.status;
  await Deno.writeTextFile(path, `${pid}\n`);
  await (await acquireLock(path, { what: "test" }))();
  await Deno.writeTextFile(path, `${Deno.pid}\n`);
  const old = new Date(Date.now() - 10_000);
  await Deno.utime(path, old, old);
  const unlock = await acquireLock(path, { what: "test", staleMs: 5_000 });
  await unlock();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("acquireLock: the holder's heartbeat keeps a long run's lock fresh; a release leaves another's lock alone", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, ".lock");
  const unlock = await acquireLock(path, { what: "test", heartbeatMs: 50 });
  const old = new Date(Date.now() - 60_000);
  await Deno.utime(path, old, old);
  await new Promise((r) => setTimeout(r, 200));
  const age = Date.now() - (await Deno.stat(path)).mtime!.getTime();
  assert.ok(age < 1000, `refreshed by the heartbeat (age ${age} ms)`);
  await assert.rejects(() => acquireLock(path, { what: "test", staleMs: 5_000 }), LockedError);
  // Someone broke and retook the lock: our release must not remove theirs.
  await Deno.writeTextFile(path, `${Deno.pid} someone\n`);
  await unlock();
  assert.equal(await Deno.readTextFile(path), `${Deno.pid} someone\n`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("acquireLock: runs racing to break an abandoned lock never both hold it", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, ".lock");
  const child = new Deno.Command("true").spawn();
  const { pid } = child;
  await child.status;
  for (let trial = 0; trial < 60; trial++) {
    await Deno.writeTextFile(path, `${pid} dead\n`);
    const tries = await Promise.allSettled([
      acquireLock(path, { what: "test" }),
      acquireLock(path, { what: "test" }),
      acquireLock(path, { what: "test" }),
    ]);
    const held = tries.filter((t) => t.status === "fulfilled");
    assert.equal(held.length, 1, `trial ${trial}: ${held.length} holders`);
    for (const t of tries) if (t.status === "rejected") assert.ok(t.reason instanceof LockedError);
    await (held[0] as PromiseFulfilledResult<() => Promise<void>>).value();
  }
  await Deno.remove(dir, { recursive: true });
});
