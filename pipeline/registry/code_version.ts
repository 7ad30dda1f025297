/**
 * The version of the code a run was made by, recorded in `model_runs`.
 *
 * @module
 */

let gitVersion: Promise<string> | undefined;

/**
 * The git commit of the code (with `-dirty` for uncommitted changes), or
 * `unknown`; asked of git once per process.
 *
 * @example
 * ```ts
 * await codeVersion(); // "c29cc8a1b2c3-dirty"
 * ```
 */
export function codeVersion(): Promise<string> {
  gitVersion ??= (async () => {
    try {
      const run = async (...args: string[]) =>
        new TextDecoder().decode(
          (await new Deno.Command("git", { args, stdout: "piped", stderr: "null" }).output())
            .stdout,
        ).trim();
      const head = await run("rev-parse", "--short=12", "HEAD");
      if (!head) return "unknown";
      const dirty = await run("status", "--porcelain", "--untracked-files=no");
      return dirty ? `${head}-dirty` : head;
    } catch {
      return "unknown";
    }
  })();
  return gitVersion;
}
