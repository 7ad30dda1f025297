/**
 * `deno task test`: runs every test (type-checked) and ends with one plain
 * line CI reads: `tests: N passed, M failed[, K skipped]`.
 *
 * The extended real-data suite runs when `PREVISION_REAL_DATA` points at the
 * shared real data; when unset and `../shared/data/real` exists, that folder is
 * used (and said so).
 *
 * @module
 */
const env: Record<string, string> = { NO_COLOR: "1" };
if (!Deno.env.get("PREVISION_REAL_DATA")) {
  try {
    Deno.statSync("../shared/data/real/MANIFEST.md");
    env.PREVISION_REAL_DATA = "../shared/data/real";
    console.log(
      "real-data suite: using ../shared/data/real (set PREVISION_REAL_DATA to choose another)",
    );
  } catch {
    console.log(
      "real-data suite: PREVISION_REAL_DATA is not set and ../shared/data/real is absent; it will skip",
    );
  }
}
const child = new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", ...Deno.args],
  env,
  stdout: "piped",
  stderr: "inherit",
}).spawn();
let tail = "";
const decoder = new TextDecoder();
for await (const chunk of child.stdout) {
  await Deno.stdout.write(chunk);
  tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4000);
}
const { code } = await child.status;
// Deno's own summary: "ok | 57 passed (3 steps) | 0 failed | 2 ignored (12s)"
const m =
  /(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed(?: \(\d+ steps?\))?(?: \| (\d+) ignored)?/.exec(
    tail,
  );
if (!m) {
  console.log(
    `tests: 0 passed, 1 failed (the test run ended with exit code ${code} before its summary)`,
  );
  Deno.exit(code || 1);
}
const [passed, failed, ignored] = [m[1], m[2], m[3] ?? "0"].map(Number);
console.log(`tests: ${passed} passed, ${failed} failed${ignored ? `, ${ignored} skipped` : ""}`);
Deno.exit(code !== 0 && failed === 0 ? code : failed > 0 ? 1 : 0);
