/**
 * What a folder entry is once symbolic links are followed, for folder and
 * glob ingest: a link to a file is that file, a link to a folder that
 * folder; a link that loops or points at nothing is an error naming it.
 *
 * @module
 */
import { join } from "node:path";

/** The kind of `dir/entry` with links followed. */
export type EntryKind = "file" | "folder" | "other";

/**
 * Follows `entry` (found in `dir`) when it is a symbolic link.
 * Throws `Deno.errors.NotFound` naming the link when it loops or is broken.
 *
 * @example
 * ```ts
 * for await (const e of Deno.readDir("data")) console.log(e.name, await entryKind("data", e));
 * ```
 */
export async function entryKind(dir: string, entry: Deno.DirEntry): Promise<EntryKind> {
  if (!entry.isSymlink) return entry.isFile ? "file" : entry.isDirectory ? "folder" : "other";
  const path = join(dir, entry.name);
  try {
    const st = await Deno.stat(path);
    return st.isFile ? "file" : st.isDirectory ? "folder" : "other";
  } catch (err) {
    throw linkError(path, err);
  }
}

/** The clear error for a symbolic link that cannot be followed. */
export async function brokenLinkError(path: string, err: unknown): Promise<Error | undefined> {
  const st = await Deno.lstat(path).catch(() => undefined);
  return st?.isSymlink ? linkError(path, err) : undefined;
}

function linkError(path: string, err: unknown): Error {
  const target = (() => {
    try {
      return Deno.readLinkSync(path);
    } catch {
      return "?";
    }
  })();
  const loop = err instanceof Error && /ELOOP|too many (levels of )?symbolic links/i.test(
    `${(err as { code?: string }).code ?? ""} ${err.message}`,
  );
  return new Deno.errors.NotFound(
    loop
      ? `Cannot read ${path}: its symbolic links form a loop (${path} → ${target} → … → ${path})`
      : `Cannot read ${path}: it is a symbolic link to ${target}, which does not exist`,
  );
}
