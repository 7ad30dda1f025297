/**
 * `deno task bench`: each figure is a ratio against a reference measured
 * side by side in the same run (never absolute numbers across runs).
 * Results are printed and written to `bench-results/latest.json`.
 *
 * Usage: `deno task bench [xgboost] [api] [api-reload] [ingest] [site]` (default: all).
 *
 * @module
 */
import { benchApi } from "./api.ts";
import { benchApiReload } from "./api_reload.ts";
import { benchXgboost } from "./xgboost.ts";
import { benchIngest } from "./ingest.ts";
import { benchSite } from "./site.ts";

/** One measured figure. `ratio` > 1 means better than the reference. */
export interface BenchResult {
  name: string;
  what: string;
  value: number;
  unit: string;
  reference: string;
  ratio?: number;
}

const SUITES: Record<string, () => Promise<BenchResult[]>> = {
  xgboost: benchXgboost,
  api: () => benchApi(),
  "api-reload": benchApiReload,
  ingest: benchIngest,
  site: () => benchSite(),
};

/** Runs the named suites (all when none) and prints a table. */
export async function runBench(names: string[]): Promise<BenchResult[]> {
  const chosen = names.length ? names : Object.keys(SUITES);
  const all: BenchResult[] = [];
  for (const n of chosen) {
    const suite = SUITES[n];
    if (!suite) {
      throw new RangeError(`Unknown bench "${n}": choose from ${Object.keys(SUITES).join(", ")}`);
    }
    console.error(`bench: running ${n}…`);
    all.push(...await suite());
  }
  console.log("\n| bench | value | reference (same run) | ratio (>1 better) | measured |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const r of all) {
    const v = Number.isFinite(r.value)
      ? `${r.value < 0.01 ? r.value.toExponential(4) : r.value.toFixed(2)} ${r.unit}`
      : "–";
    console.log(
      `| ${r.name} | ${v} | ${r.reference} | ${
        r.ratio === undefined ? "–" : r.ratio.toFixed(3)
      } | ${r.what} |`,
    );
  }
  await Deno.mkdir("bench-results", { recursive: true });
  await Deno.writeTextFile(
    "bench-results/latest.json",
    JSON.stringify({ at: new Date().toISOString(), results: all }, null, 2) + "\n",
  );
  return all;
}

if (import.meta.main) await runBench(Deno.args);
