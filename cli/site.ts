/**
 * `site`: builds the Observable Framework site into `dist/`, its data
 * loaders reading the published snapshot.
 *
 * @module
 */
import type { Config } from "../core/config.ts";
import { snapshotRoot } from "../warehouse/snapshot.ts";

/** Runs `site`; returns the exit code. */
export async function site(cfg: Config): Promise<number> {
  const { buildSite } = await import("../site/build.ts");
  const r = await buildSite({
    outDir: cfg.dist,
    env: { PREVISION_DB: cfg.db, PREVISION_SNAPSHOTS: snapshotRoot(cfg.db) },
  });
  console.log(
    `site: ${r.pages.length} pages built into ${r.outDir} in ${(r.ms / 1000).toFixed(1)} s`,
  );
  return 0;
}
