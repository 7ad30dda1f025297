/**
 * `keys`: API keys for the API, stored hashed; the keys file the API reads is
 * rewritten after each action.
 *
 * ```sh
 * deno task keys create --name N [--expires DATE] | list | revoke KEY_ID
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Config } from "../core/config.ts";
import { consoleLog, ENV_KEY_NAME, UsageError, withKeys } from "../jobs/mod.ts";
import { expiryArg } from "./args.ts";

/** Runs `keys` with its arguments; returns the exit code. */
export async function keys(cfg: Config, rest: string[]): Promise<number> {
  const [action, ...more] = rest;
  const { values, positionals } = parseArgs({
    args: more,
    options: { name: { type: "string" }, expires: { type: "string" } },
    allowPositionals: true,
  });
  await withKeys(cfg, async (keys) => {
    if (action === "create") {
      if (!values.name) throw new UsageError("keys create needs --name NAME");
      if (values.name === ENV_KEY_NAME) {
        throw new UsageError("the name PREVISION_API_KEY is kept for the key from the environment");
      }
      const expiresAt = values.expires === undefined ? undefined : expiryArg(values.expires);
      const k = await keys.create({ name: values.name, expiresAt });
      console.log(
        `Created key ${k.key_id} ("${values.name}"). Shown once — store it now:\n${k.key}`,
      );
    } else if (action === "list") {
      const ks = await keys.list();
      if (ks.length === 0) console.log("(no keys)");
      else console.table(ks.map(({ secret_sha256: _s, ...k }) => k));
    } else if (action === "revoke") {
      const id = positionals[0];
      if (!id) throw new UsageError("keys revoke needs a KEY_ID (see deno task keys list)");
      if (!(await keys.revoke(id))) throw new UsageError(`No key with id ${id}`);
      console.log(`Revoked ${id}.`);
    } else {
      throw new UsageError("keys create --name N [--expires DATE] | list | revoke KEY_ID");
    }
  }, { log: consoleLog });
  return 0;
}
