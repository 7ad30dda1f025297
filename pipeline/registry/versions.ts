/**
 * The model registry: versioned artifacts on disk with their sha256 and a
 * model card beside them, rows in `model_versions`, and aliases
 * (`champion`, `challenger`) per series whose history is kept.
 *
 * Layout: `<models>/<exchange>/<BASE-QUOTE>/<timeframe>/<version_id>/`
 * holding `model.json` (the artifact) and `card.md` (the model card).
 *
 * The artifact holds what the model is, and nothing about which run made
 * it or when: its identity (version and run ids, creation time) lives in
 * `model_versions`, its folder's name and its card. So the same data and
 * seed give byte-identical artifacts, with the same sha256.
 *
 * @module
 */
import { join } from "node:path";
import type { Warehouse } from "../../warehouse/db.ts";
import type { Series } from "../../core/series.ts";
import { sha256Hex } from "../../core/hash.ts";
import type { HorizonModel } from "../evaluation/walkforward.ts";
import type { ModelKind } from "../models/mod.ts";

/**
 * What `model.json` holds: everything serving needs, nothing global, no
 * identity. (Artifacts written before identity was kept out also carry
 * `version_id` and `run_id`; readers ignore them.)
 */
export interface ArtifactContent {
  format: "prevision-model/1";
  model: ModelKind;
  series: Series;
  feature_set: string;
  feature_set_hash: string;
  feature_columns: readonly string[];
  sigma: { method: "ewma"; lambda: number };
  levels: readonly number[];
  params: unknown;
  seed: number;
  data: { start: string; end: string; fingerprint: string };
  horizons: Array<Omit<HorizonModel, "booster"> & { booster_base64?: string }>;
  summary: Record<string, number>;
}

/** An artifact with the identity it is registered under (kept out of its bytes). */
export interface ModelArtifact extends ArtifactContent {
  version_id: string;
  run_id: string;
}

/**
 * The bytes of `model.json`: the content without the identity, and the
 * series as its three keys only (whatever else the caller's object carries).
 *
 * @example
 * ```ts
 * const sha = await sha256Hex(artifactBytes(artifact));
 * ```
 */
export function artifactBytes(artifact: ArtifactContent | ModelArtifact): Uint8Array {
  const { exchange, symbol, timeframe } = artifact.series;
  // Spreading keeps the keys in place; undefined ones are left out of the JSON.
  const content = {
    ...artifact,
    version_id: undefined,
    run_id: undefined,
    series: { exchange, symbol, timeframe },
  };
  return new TextEncoder().encode(JSON.stringify(content));
}

/**
 * Writes the artifact and card, then records the version. Returns its row.
 *
 * @example
 * ```ts
 * const v = await registerVersion(wh, "models", artifact, cardMarkdown);
 * ```
 */
export async function registerVersion(
  wh: Warehouse,
  modelsDir: string,
  artifact: ModelArtifact,
  card: string,
): Promise<{ version_id: string; artifact_path: string; artifact_sha256: string }> {
  const { series } = artifact;
  const dir = join(
    modelsDir,
    series.exchange,
    series.symbol.replace("/", "-"),
    series.timeframe,
    artifact.version_id,
  );
  await Deno.mkdir(dir, { recursive: true });
  const bytes = artifactBytes(artifact);
  const artifact_path = join(dir, "model.json");
  await Deno.writeFile(artifact_path, bytes);
  await Deno.writeTextFile(join(dir, "card.md"), card);
  const artifact_sha256 = await sha256Hex(bytes);
  await wh.run(
    `INSERT INTO model_versions (version_id, run_id, model, exchange, symbol, timeframe,
       artifact_path, artifact_sha256, card_path, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP)`,
    [
      artifact.version_id,
      artifact.run_id,
      artifact.model,
      series.exchange,
      series.symbol,
      series.timeframe,
      artifact_path,
      artifact_sha256,
      join(dir, "card.md"),
    ],
  );
  return { version_id: artifact.version_id, artifact_path, artifact_sha256 };
}

/**
 * Points `alias` of a series at a version; the previous holder's row is
 * closed (`unset_at`), so the history stays in `model_aliases`.
 */
export async function setAlias(
  wh: Warehouse,
  alias: string,
  versionId: string,
  series: Series,
  reason: string,
): Promise<void> {
  await wh.run(
    `UPDATE model_aliases SET unset_at = now()::TIMESTAMP
     WHERE alias = ? AND exchange = ? AND symbol = ? AND timeframe = ? AND unset_at IS NULL`,
    [alias, series.exchange, series.symbol, series.timeframe],
  );
  await wh.run(
    `INSERT INTO model_aliases (alias, version_id, exchange, symbol, timeframe, set_at, reason)
     VALUES (?, ?, ?, ?, ?, now()::TIMESTAMP, ?)`,
    [alias, versionId, series.exchange, series.symbol, series.timeframe, reason],
  );
}

/**
 * Reads a version's artifact and checks its sha256 against the registry.
 * A changed or missing file is an error that names it.
 */
export async function loadArtifact(
  path: string,
  expectedSha256: string,
): Promise<ArtifactContent> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch {
    throw new Error(`Model artifact ${path} is missing: retrain with \`deno task train\``);
  }
  const sha = await sha256Hex(bytes);
  if (sha !== expectedSha256) {
    throw new Error(
      `Model artifact ${path} has sha256 ${sha}, but the registry recorded ${expectedSha256}: refusing to serve a changed model`,
    );
  }
  return JSON.parse(new TextDecoder().decode(bytes)) as ArtifactContent;
}
