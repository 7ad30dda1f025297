/**
 * A child process for the `sql` tests: opens the warehouse named by its
 * argument as a writer, prints "ready", and holds it until stdin closes.
 *
 * @module
 */
import { openWarehouse } from "../../warehouse/db.ts";

const wh = await openWarehouse(Deno.args[0]);
console.log("ready");
for await (const _ of Deno.stdin.readable) { /* hold until stdin closes */ }
wh.close();
