/**
 * Makes sure node_modules matches package-lock.json, running `npm ci` only when
 * the lockfile changed since the last install. Every task depends on this, so a
 * fresh clone needs no separate install step. npm is the one installer: Deno
 * (`"nodeModulesDir": "manual"`) and Node (Observable Framework) share its tree.
 *
 * @module
 */
const lock = await Deno.readFile("package-lock.json");
const digest = Array.from(
  new Uint8Array(await crypto.subtle.digest("SHA-256", lock)),
  (b) => b.toString(16).padStart(2, "0"),
).join("");
const stamp = "node_modules/.prevision-lock-sha256";
let installed = "";
try {
  installed = (await Deno.readTextFile(stamp)).trim();
} catch {
  // first run on this clone
}
if (installed !== digest) {
  console.error("Installing npm packages (npm ci) — once per lockfile change…");
  const npm = Deno.build.os === "windows" ? "npm.cmd" : "npm";
  const { code } = await new Deno.Command(npm, {
    args: ["ci", "--no-audit", "--no-fund", "--loglevel=error"],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    console.error(`npm ci failed (exit ${code}); see the messages above.`);
    Deno.exit(code);
  }
  await Deno.writeTextFile(stamp, digest + "\n");
}
