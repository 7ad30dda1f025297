import type { Series } from "../../core/series.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { openWarehouse } from "../../warehouse/db.ts";
import { sha256Hex } from "../../core/hash.ts";
import { artifactBytes, loadArtifact, type ModelArtifact, registerVersion } from "./versions.ts";

const SERIES: Series = { exchange: "sample", symbol: "BTC/USDT", timeframe: "1d" };

function artifact(version_id: string, series: ModelArtifact["series"] = SERIES): ModelArtifact {
  return {
    format: "prevision-model/1",
    version_id,
    run_id: `run-${version_id}`,
    model: "naive",
    series,
    feature_set: "core",
    feature_set_hash: "0".repeat(64),
    feature_columns: ["ret_1"],
    sigma: { method: "ewma", lambda: 0.94 },
    levels: [0.5, 0.8, 0.95],
    params: {},
    seed: 1,
    data: {
      start: "2025-01-01T00:00:00.000Z",
      end: "2025-06-01T00:00:00.000Z",
      fingerprint: "1:2",
    },
    horizons: [{
      h: 1,
      q: { 0.5: 0.7, 0.8: 1.3, 0.95: 2 },
      trainedOn: { from: 0, to: 1, rows: 2 },
    }],
    summary: { mase: 1 },
  };
}

Deno.test("artifactBytes() leaves out the version's identity and anything but the series key", () => {
  const a = artifactBytes(artifact("v1"));
  const due = { ...SERIES, reason: "new candles" };
  assert.deepEqual(artifactBytes(artifact("v2", due)), a);
  const content = JSON.parse(new TextDecoder().decode(a));
  assert.deepEqual(Object.keys(content), [
    "format",
    "model",
    "series",
    "feature_set",
    "feature_set_hash",
    "feature_columns",
    "sigma",
    "levels",
    "params",
    "seed",
    "data",
    "horizons",
    "summary",
  ]);
  assert.deepEqual(content.series, SERIES);
});

Deno.test({
  name:
    "registerVersion() records the identity in model_versions and the sha256 of the bytes it wrote; loadArtifact() still reads artifacts that carry their ids",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const wh = await openWarehouse(join(dir, "w.duckdb"));
    try {
      const v = await registerVersion(wh, join(dir, "models"), artifact("v1"), "# card");
      assert.ok(v.artifact_path.includes("v1"), v.artifact_path);
      const row = await wh.one<{ run_id: string; artifact_sha256: string }>(
        "SELECT run_id, artifact_sha256 FROM model_versions WHERE version_id = 'v1'",
      );
      assert.deepEqual(row, { run_id: "run-v1", artifact_sha256: v.artifact_sha256 });
      assert.equal(await sha256Hex(await Deno.readFile(v.artifact_path)), v.artifact_sha256);
      const read = await loadArtifact(v.artifact_path, v.artifact_sha256);
      assert.ok(!("version_id" in read));
      // An artifact written before identity was kept out of it, with the sha256 recorded then.
      const legacyPath = join(dir, "legacy.json");
      const legacy = new TextEncoder().encode(JSON.stringify(artifact("old")));
      await Deno.writeFile(legacyPath, legacy);
      const old = await loadArtifact(legacyPath, await sha256Hex(legacy));
      assert.deepEqual(old.horizons, read.horizons);
      assert.equal(old.model, "naive");
      await assert.rejects(loadArtifact(legacyPath, v.artifact_sha256), /refusing to serve/);
    } finally {
      wh.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
