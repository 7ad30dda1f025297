/**
 * A child process for the interrupted-run test: starts an ingest into the
 * warehouse named by its argument and kills itself (SIGKILL) while staging.
 *
 * @module
 */
import { openWarehouse } from "../../warehouse/db.ts";
import { ingestStaged } from "../store.ts";

const wh = await openWarehouse(Deno.args[0]);
await ingestStaged(wh, "file", [() => {
  Deno.kill(Deno.pid, "SIGKILL");
  return new Promise<number>(() => {});
}], { now: Date.now(), exchanges: ["x"] });
