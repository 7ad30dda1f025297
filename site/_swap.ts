/**
 * Puts a freshly built folder in place of the one being served, so that a
 * reader of the target path always finds a whole site: on Linux the two
 * folders trade places in one `renameat2(RENAME_EXCHANGE)` call; elsewhere
 * (or when the file system refuses it) the old folder is renamed aside and
 * the new one renamed in, back to back.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";

const AT_FDCWD = -100;
const RENAME_EXCHANGE = 2;

type Exchange = (a: string, b: string) => boolean;
let exchange: Exchange | null | undefined;

/** `renameat2(…, RENAME_EXCHANGE)` through libc, or null where it cannot be loaded. */
function loadExchange(): Exchange | null {
  if (Deno.build.os !== "linux") return null;
  try {
    const lib = Deno.dlopen("libc.so.6", {
      renameat2: { parameters: ["i32", "buffer", "i32", "buffer", "u32"], result: "i32" },
    });
    const c = (s: string) => new TextEncoder().encode(s + "\0");
    return (a, b) => lib.symbols.renameat2(AT_FDCWD, c(a), AT_FDCWD, c(b), RENAME_EXCHANGE) === 0;
  } catch {
    return null; // no FFI permission or no glibc: fall back to two renames
  }
}

/**
 * Replaces `target` by `fresh` (both folders, same parent) and removes the
 * old `target`. When `target` does not exist, `fresh` is renamed to it.
 *
 * @example
 * ```ts
 * await swapIn("dist.new-123", "dist"); // dist now holds what dist.new-123 held
 * ```
 */
export async function swapIn(fresh: string, target: string): Promise<void> {
  const exists = await Deno.stat(target).then(() => true, () => false);
  if (!exists) return await Deno.rename(fresh, target);
  if (exchange === undefined) exchange = loadExchange();
  if (exchange?.(fresh, target)) {
    await Deno.remove(fresh, { recursive: true }); // it holds the old site now
    return;
  }
  const aside = join(dirname(target), `${basename(target)}.old-${crypto.randomUUID().slice(0, 8)}`);
  Deno.renameSync(target, aside);
  Deno.renameSync(fresh, target);
  await Deno.remove(aside, { recursive: true });
}
