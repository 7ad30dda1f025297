/**
 * The extended real-data suite finds the shared real market files through
 * `PREVISION_REAL_DATA` (a folder laid out as `../shared/data/real`). The files
 * are read in place and never copied into the project (their licences allow
 * testing, not redistribution). Without the variable, these tests are skipped
 * and say so.
 *
 * @module
 */
import { join } from "node:path";

/** The real-data folder, or undefined when the suite must skip. */
export const REAL_DATA: string | undefined = (() => {
  const dir = Deno.env.get("PREVISION_REAL_DATA");
  if (!dir) return undefined;
  try {
    Deno.statSync(join(dir, "MANIFEST.md"));
    return dir;
  } catch {
    return undefined;
  }
})();

if (!REAL_DATA) {
  console.warn(
    "real-data suite SKIPPED: set PREVISION_REAL_DATA to the shared real data folder (e.g. ../shared/data/real) to run it",
  );
}

/** A path inside the real-data folder. */
export function realFile(...parts: string[]): string {
  return join(REAL_DATA ?? ".", ...parts);
}
