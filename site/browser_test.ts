/**
 * The built site in a real browser (Debian Chromium through playwright-core):
 * every page loads with no console error and no failed or external request,
 * charts draw marks, the asset selector changes what is shown, and axe-core
 * finds no serious or critical accessibility violation. Screenshots go to
 * `test-artifacts/screenshots/`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { chromium, type Page } from "./testdata/playwright.ts";
import { buildSite } from "./build.ts";
import { makeFixtureWarehouse } from "./testdata/fixture.ts";
import { serveStatic } from "./testdata/serve.ts";

const CHROMIUM = "/usr/bin/chromium";
/** Every page: a name for its screenshot, and its path. */
const PAGES = [
  ["overview", ""],
  ["asset", "pages/asset"],
  ["track-record", "pages/track-record"],
  ["models", "pages/models"],
  ["signals", "pages/signals"],
  ["research", "pages/research"],
  ["quality", "pages/quality"],
  ["api", "pages/api"],
] as const;
const ROOT = resolve(import.meta.dirname ?? ".", "..");
const SHOTS = join(ROOT, "test-artifacts", "screenshots");
const hasChromium = await Deno.stat(CHROMIUM).then(() => true, () => false);
if (!hasChromium) {
  console.warn(
    `site/browser_test.ts skipped: no Chromium at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` (Debian).`,
  );
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Opens `url`, recording console errors, page errors, failed and external requests. */
async function visit(
  page: Page,
  url: string,
  origin: string,
  { charts = true } = {},
): Promise<string[]> {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on(
    "requestfailed",
    (r) => problems.push(`failed request: ${r.url()} ${r.failure()?.errorText}`),
  );
  page.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) {
      problems.push(`external request: ${r.url()}`);
    }
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(url, { waitUntil: "networkidle" });
  const ready = charts ? "#observablehq-main figure svg" : "#observablehq-main p";
  await page.waitForSelector(ready, { timeout: 15_000 });
  return problems;
}

async function markCount(page: Page): Promise<number> {
  return await page.locator("#observablehq-main figure svg :is(path, rect, circle, line)").count();
}

async function axeViolations(page: Page, axeSource: string): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate<{ violations: AxeViolation[] }>(
    `axe.run(document, { resultTypes: ["violations"] })`,
  );
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Waits until a chart title on the page contains `text`. */
async function waitForTitle(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    `[...document.querySelectorAll("#observablehq-main figure h2")]
      .some((e) => e.textContent.includes(${JSON.stringify(text)}))`,
  );
}

function describe(vs: AxeViolation[]): string {
  return vs.map((v) =>
    `${v.id} (${v.impact}): ${v.help} at ${
      v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")
    }`
  )
    .join("\n");
}

Deno.test({
  name: "built site renders every page offline, accessibly, with working charts and selector",
  ignore: !hasChromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "prevision-site-browser-" });
    const db = await makeFixtureWarehouse(tmp);
    const { outDir } = await buildSite({
      outDir: join(tmp, "dist"),
      env: { PREVISION_DB: db, PREVISION_SNAPSHOTS: join(tmp, "snapshots") },
    });
    const axeSource = await Deno.readTextFile(join(ROOT, "node_modules", "axe-core", "axe.min.js"));
    await Deno.mkdir(SHOTS, { recursive: true });
    const server = serveStatic(outDir);
    const origin = server.url.replace(/\/$/, "");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    });
    try {
      // A reader in Paris, so the time-zone switch has somewhere to go.
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        timezoneId: "Europe/Paris",
      });
      for (const [name, path] of PAGES) {
        await t.step(
          `${name} page: no errors, marks drawn, no serious axe violations`,
          async () => {
            const page = await context.newPage();
            const problems = await visit(page, server.url + path, origin);
            assert.ok(await markCount(page) > 0, `${name}: charts drew no marks`);
            assert.match(await page.locator("footer").innerText(), /Not financial advice/);
            if (name !== "api") {
              assert.match(
                await page.locator("main").innerText(),
                /Sample data — synthetic, deterministic/,
              );
            }
            const violations = await axeViolations(page, axeSource);
            await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
            assert.deepEqual(problems, [], `${name}: ${problems.join("\n")}`);
            assert.equal(violations.length, 0, `${name}: axe found\n${describe(violations)}`);
            await page.close();
          },
        );
      }

      await t.step("a warehouse with candles but no models: every page still renders", async () => {
        const bare = join(tmp, "bare");
        const bareDb = await makeFixtureWarehouse(bare, { models: false });
        const built = await buildSite({
          outDir: join(bare, "dist"),
          env: { PREVISION_DB: bareDb, PREVISION_SNAPSHOTS: join(bare, "snapshots") },
        });
        const bareServer = serveStatic(built.outDir);
        try {
          const bareOrigin = bareServer.url.replace(/\/$/, "");
          for (
            const [path, expected, charts] of [
              ["", /No champion forecast yet/, true],
              ["pages/asset", /No forecast from a champion model/, true],
              ["pages/track-record", /No forecast has been published yet/, false],
              ["pages/models", /No models trained yet/, false],
              ["pages/signals", /No signals stored yet/, false],
              ["pages/research", /Fat tails/, true],
              ["pages/quality", /Coverage per series/, true],
              ["pages/api", /No API requests recorded yet/, false],
            ] as const
          ) {
            const page = await context.newPage();
            const problems = await visit(page, bareServer.url + path, bareOrigin, { charts });
            await page.waitForFunction(
              `${expected}.test(document.querySelector("main").innerText)`,
            );
            assert.match(await page.locator("main").innerText(), expected);
            assert.deepEqual(problems, [], `${path || "overview"}: ${problems.join("\n")}`);
            await page.close();
          }
        } finally {
          await bareServer.shutdown();
        }
      });

      await t.step("asset page: the symbol and timeframe selectors change the charts", async () => {
        const page = await context.newPage();
        const problems = await visit(
          page,
          `${server.url}pages/asset?symbol=BTC%2FUSDT&timeframe=1h`,
          origin,
        );
        const captions = () => page.locator("#observablehq-main figure figcaption").allInnerTexts();
        const titles = () => page.locator("#observablehq-main figure h2").allInnerTexts();
        const before = { captions: await captions(), titles: await titles() };
        assert.ok(
          before.titles.some((s) => s.includes("BTC/USDT · 1h")),
          before.titles.join(" | "),
        );

        await page.selectOption("#observablehq-main select", { label: "ETH/USDT (sample)" });
        await waitForTitle(page, "ETH/USDT · 1h");
        const afterSymbol = { captions: await captions(), titles: await titles() };
        assert.ok(
          afterSymbol.titles.some((s) => s.includes("ETH/USDT · 1h")),
          afterSymbol.titles.join(" | "),
        );
        assert.notDeepEqual(afterSymbol.captions, before.captions);

        await page.getByLabel("1d").check();
        await waitForTitle(page, "ETH/USDT · 1d");
        const afterTimeframe = await captions();
        assert.notDeepEqual(afterTimeframe, afterSymbol.captions);
        assert.ok(await markCount(page) > 0);
        await page.screenshot({ path: join(SHOTS, "asset-eth-1d.png"), fullPage: true });
        assert.deepEqual(problems, []);
        await page.close();
      });

      /** Captions and titles of the page's figures: what a reader (or screen reader) is told. */
      const shown = async (page: Page) =>
        [
          ...await page.locator("#observablehq-main figure figcaption").allInnerTexts(),
          ...await page.locator("#observablehq-main figure h2").allInnerTexts(),
        ].join("\n");

      await t.step("inputs change what each new page shows", async () => {
        const cases: [string, (page: Page) => Promise<unknown>, RegExp][] = [
          [
            "pages/track-record",
            (page) =>
              page.getByLabel("Steps ahead", { exact: true }).selectOption({ label: "h = 3" }),
            /forecasts 3 steps ahead/,
          ],
          [
            "pages/models",
            (page) =>
              page.getByLabel("Horizon", { exact: true }).selectOption({ label: "2 steps ahead" }),
            /MASE at horizon 2/,
          ],
          [
            "pages/signals",
            (page) =>
              page.getByLabel("Signal", { exact: true }).selectOption({
                label: "token-metrics · trading_signal (ETH/USDT)",
              }),
            /token-metrics · trading_signal \(ETH\/USDT\)/,
          ],
          [
            "pages/research",
            (page) => page.getByLabel("1h", { exact: true }).check(),
            /BTC\/USDT 1h: /,
          ],
          [
            "pages/api",
            (page) => page.getByLabel("p99", { exact: true }).uncheck(),
            /log scale\): p50 solid, p95 dashed, each/,
          ],
        ];
        for (const [path, act, expected] of cases) {
          const page = await context.newPage();
          const problems = await visit(page, server.url + path, origin);
          const before = await shown(page);
          assert.doesNotMatch(before, expected, `${path}: already shows ${expected}`);
          await act(page);
          await page.waitForFunction(
            `${expected}.test([...document.querySelectorAll("#observablehq-main :is(figcaption, h2, p)")].map((e) => e.textContent).join("\\n"))`,
          );
          assert.ok(await markCount(page) > 0, `${path}: no marks after the input changed`);
          const name = path.split("/").pop();
          await page.screenshot({ path: join(SHOTS, `${name}-input.png`), fullPage: true });
          assert.deepEqual(problems, [], `${path}: ${problems.join("\n")}`);
          await page.close();
        }
      });

      await t.step(
        "models page: collapsed sections open from the keyboard; model cards render",
        async () => {
          const page = await context.newPage();
          const problems = await visit(page, server.url + "pages/models", origin);
          // Volatility models are ranked apart from the return models, by QLIKE.
          const main = await page.locator("main").innerText();
          assert.match(main, /Volatility forecasts/);
          assert.match(main, /vol:ewma/);
          const cards = page.locator("#observablehq-main summary", { hasText: "Model cards" });
          await cards.focus();
          await page.keyboard.press("Enter");
          const first = page.locator("#observablehq-main details details summary").first();
          assert.match(await first.innerText(), /xgboost|naive|drift/);
          await first.focus();
          await page.keyboard.press("Enter");
          await page.waitForSelector("#observablehq-main .pv-markdown table");
          const card = page.locator("#observablehq-main .pv-markdown").first();
          assert.match(await card.innerText(), /Model card — v-BTC-USDT-1h-/);
          assert.ok(
            await card.locator("table td").count() > 0,
            "the card's table was not rendered",
          );
          assert.deepEqual(problems, []);
          await page.close();
        },
      );

      await t.step(
        "the time-zone switch shows times in the reader's zone, and is remembered",
        async () => {
          const page = await context.newPage();
          const problems = await visit(page, server.url + "pages/asset", origin);
          const before = await shown(page);
          assert.match(before, /UTC/);
          assert.doesNotMatch(before, /CEST/);
          await page.getByLabel("your zone (Europe/Paris)").check();
          await page.waitForFunction(
            `/CEST/.test([...document.querySelectorAll("#observablehq-main figcaption")].map((e) => e.textContent).join(" "))`,
          );
          assert.notEqual(await shown(page), before);
          // The choice follows the reader to the next page.
          await page.goto(server.url + "pages/track-record", { waitUntil: "networkidle" });
          await page.waitForFunction(`/CEST/.test(document.querySelector("main").innerText)`);
          await page.getByLabel("UTC", { exact: true }).check();
          assert.deepEqual(problems, []);
          await page.close();
        },
      );
    } finally {
      await browser.close();
      await server.shutdown();
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});
