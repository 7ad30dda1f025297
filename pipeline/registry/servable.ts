/**
 * Whether a registered version can be served: the one rule `forecast` and
 * the retraining schedule share. Its artifact must be present with the
 * sha256 the registry recorded, and its feature set must be one this code
 * still computes (the same name, and the same hash for its timeframe).
 *
 * @module
 */
import type { Timeframe } from "../../core/candles.ts";
import { featureSetHash, featureSetName } from "../features/core.ts";
import { type SignalSpec, specsFromColumns } from "../features/signals.ts";
import { type ArtifactContent, loadArtifact } from "./versions.ts";

/** A version's artifact, checked, with what this code computes for its features. */
export interface ServableArtifact {
  artifact: ArtifactContent;
  /** The signal columns it was trained with, rebuilt from its feature columns. */
  signals: SignalSpec[];
  /** The feature set name this code gives those columns. */
  featureSetName: string;
  /** The feature hash this code computes for those columns at its timeframe. */
  featureSetHash: string;
}

/**
 * Reads a version's artifact, checking its sha256 (a missing or changed
 * file is an error that names it; see {@link loadArtifact}), and computes
 * its feature set as this code would.
 *
 * @example
 * ```ts
 * const s = await readServable(c.artifact_path, c.artifact_sha256, "1d");
 * ```
 */
export async function readServable(
  path: string,
  sha256: string,
  tf: Timeframe,
): Promise<ServableArtifact> {
  const artifact = await loadArtifact(path, sha256);
  const signals = specsFromColumns(artifact.feature_columns);
  return {
    artifact,
    signals,
    featureSetName: featureSetName(signals),
    featureSetHash: await featureSetHash(tf, signals),
  };
}

/**
 * Why a read artifact's feature set is not one this code computes, or
 * undefined when it is.
 *
 * @example
 * ```ts
 * const why = staleFeatureSet("xgboost-BTCUSDT-1d-…", await readServable(path, sha, "1d"));
 * if (why) throw new Error(why);
 * ```
 */
export function staleFeatureSet(versionId: string, s: ServableArtifact): string | undefined {
  const a = s.artifact;
  if (a.feature_set === s.featureSetName && a.feature_set_hash === s.featureSetHash) {
    return undefined;
  }
  return `Model ${versionId} was trained on feature set ${a.feature_set} (${
    a.feature_set_hash.slice(0, 12)
  }), which this code no longer computes: retrain with \`deno task train\``;
}

/**
 * Reads a version's artifact for serving: throws when it is missing,
 * changed, or trained on a feature set this code no longer computes.
 *
 * @example
 * ```ts
 * const { artifact, signals } = await servableArtifact(champion, "1d");
 * ```
 */
export async function servableArtifact(
  v: { version_id: string; artifact_path: string; artifact_sha256: string },
  tf: Timeframe,
): Promise<ServableArtifact> {
  const s = await readServable(v.artifact_path, v.artifact_sha256, tf);
  const stale = staleFeatureSet(v.version_id, s);
  if (stale) throw new Error(stale);
  return s;
}
