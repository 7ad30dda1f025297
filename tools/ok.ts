/**
 * `deno task ok`: the one check before a commit. Runs, in order and stopping
 * at the first failure: `deno fmt --check`, `deno lint`, `deno check` of every
 * TypeScript module (the site's data loaders included), a type check of the
 * documentation examples of {@link DOC_EXAMPLES}, then every test
 * (`tools/run_tests.ts`). Ends with one line: `ok: all N steps passed` or
 * `ok: FAILED at <step>`.
 *
 * @module
 */

/**
 * Modules whose JSDoc examples are self-contained (they name only what the
 * module exports), so `deno check --doc-only` can type-check them. Deno
 * imports every export of the module into each example, so the project's
 * `noUnusedLocals` flags the ones an example does not use: those diagnostics
 * (TS6133, TS6192, TS6198) are ignored here; any other fails the step. Add a
 * module once its examples stand on their own (no `wh`, `db` or `…` from
 * nowhere).
 */
export const DOC_EXAMPLES = [
  "api/rate_limit.ts",
  "api/request_log.ts",
  "api/site.ts",
  "api/testdata/fixture.ts",
  "core/config.ts",
  "core/hash.ts",
  "core/series.ts",
  "core/stats.ts",
  "core/time.ts",
  "loaders/exchanges/_client.ts",
  "loaders/exchanges/_gaps.ts",
  "loaders/exchanges/testdata/fake_binance.ts",
  "loaders/exchanges/testdata/fake_kraken.ts",
  "loaders/files/_text.ts",
  "loaders/files/_time.ts",
  "loaders/files/errors.ts",
  "loaders/files/formats/binance_klines_json.ts",
  "loaders/files/formats/ccxt_json.ts",
  "loaders/files/formats/json_objects.ts",
  "loaders/files/spacing.ts",
  "loaders/files/symbols.ts",
  "loaders/sample/generator.ts",
  "loaders/signals/available.ts",
  "loaders/signals/fear_greed.ts",
  "loaders/signals/files.ts",
  "loaders/signals/http.ts",
  "loaders/signals/testdata/fake_fear_greed.ts",
  "loaders/signals/testdata/fake_token_metrics.ts",
  "loaders/signals/token_metrics.ts",
  "pipeline/evaluation/volatility.ts",
  "site/build.ts",
  "site/testdata/fixture.ts",
  "site/testdata/playwright.ts",
  "site/testdata/serve.ts",
  "src/data/_snapshot.ts",
  "tools/bench/ingest.ts",
  "tools/bench/site.ts",
];

/** Diagnostics of an example that only say it leaves an auto-imported export unused. */
const UNUSED_IMPORT = /^TS(6133|6192|6198) /;

interface Step {
  name: string;
  run: () => Promise<boolean>;
}

const deno = Deno.execPath();

/** Runs `deno <args>` with inherited output; true when it exits 0. */
async function denoRun(args: string[]): Promise<boolean> {
  const { success } = await new Deno.Command(deno, { args, stdout: "inherit", stderr: "inherit" })
    .output();
  return success;
}

/** Every TypeScript module to type-check: tracked or new, outside `src/` but for its data loaders. */
async function typeScriptModules(): Promise<string[]> {
  const out = await new Deno.Command("git", {
    args: ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts"],
    stdout: "piped",
  }).output();
  if (!out.success) {
    throw new Error("ok: `git ls-files` failed; run `deno task ok` inside the repository");
  }
  const files = new TextDecoder().decode(out.stdout).split("\n").filter(Boolean);
  const exists = (f: string) => Deno.statSync(f).isFile;
  return files.filter((f) =>
    (!f.startsWith("src/") || /^src\/data\/[^/]+\.ts$/.test(f)) && exists(f)
  );
}

/** Type-checks the examples of {@link DOC_EXAMPLES}, ignoring unused auto-imports. */
async function checkDocExamples(): Promise<boolean> {
  const missing = DOC_EXAMPLES.filter((f) => {
    try {
      return !Deno.statSync(f).isFile;
    } catch {
      return true;
    }
  });
  if (missing.length) {
    console.error(`ok: DOC_EXAMPLES in tools/ok.ts names missing modules: ${missing.join(", ")}`);
    return false;
  }
  const out = await new Deno.Command(deno, {
    args: ["check", "--doc-only", ...DOC_EXAMPLES],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.success) return true;
  const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
  const diagnostics = text.split(/\n(?=TS\d+ \[ERROR\])/).filter((d) => /^TS\d+ \[ERROR\]/.test(d));
  const real = diagnostics.filter((d) => !UNUSED_IMPORT.test(d));
  if (diagnostics.length > 0 && real.length === 0) return true;
  console.error(real.length ? real.join("\n") : text);
  return false;
}

const steps: Step[] = [
  { name: "format (deno fmt --check)", run: () => denoRun(["fmt", "--check"]) },
  { name: "lint (deno lint)", run: () => denoRun(["lint"]) },
  {
    name: "type check (deno check)",
    run: async () => denoRun(["check", ...await typeScriptModules()]),
  },
  { name: "documentation examples (deno check --doc-only)", run: checkDocExamples },
  { name: "tests (tools/run_tests.ts)", run: () => denoRun(["run", "-A", "tools/run_tests.ts"]) },
];

for (const [i, step] of steps.entries()) {
  console.log(`ok: [${i + 1}/${steps.length}] ${step.name}`);
  if (!await step.run()) {
    console.log(`ok: FAILED at ${step.name}`);
    Deno.exit(1);
  }
}
console.log(`ok: all ${steps.length} steps passed`);
