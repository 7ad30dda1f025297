/**
 * playwright-core, loaded through `require` so that type-checking does not
 * need `@types/node` (its typings reference it), with the small typed surface
 * the site's browser tests use.
 *
 * @module
 */
import { createRequire } from "node:module";

/** The part of a playwright `Locator` the tests use. */
export interface Locator {
  count(): Promise<number>;
  innerText(): Promise<string>;
  allInnerTexts(): Promise<string[]>;
  check(): Promise<void>;
  uncheck(): Promise<void>;
  click(): Promise<void>;
  selectOption(value: { label: string }): Promise<string[]>;
  focus(): Promise<void>;
  first(): Locator;
  locator(selector: string): Locator;
}

/** The part of a playwright `Page` the tests use. */
export interface Page {
  on(event: "console", fn: (m: { type(): string; text(): string }) => void): void;
  on(event: "pageerror", fn: (e: Error) => void): void;
  on(
    event: "request" | "requestfailed",
    fn: (r: { url(): string; failure(): { errorText: string } | null }) => void,
  ): void;
  on(event: "response", fn: (r: { url(): string; status(): number }) => void): void;
  goto(url: string, options?: { waitUntil?: "load" | "networkidle" }): Promise<unknown>;
  waitForSelector(selector: string, options?: { timeout?: number }): Promise<unknown>;
  waitForFunction(
    expression: string,
    arg?: unknown,
    options?: { timeout?: number },
  ): Promise<unknown>;
  locator(selector: string, options?: { hasText?: string | RegExp }): Locator;
  keyboard: { press(key: string): Promise<void> };
  getByLabel(text: string, options?: { exact?: boolean }): Locator;
  selectOption(selector: string, value: { label: string }): Promise<string[]>;
  addInitScript(script: string): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  close(): Promise<void>;
}

/** The part of a playwright `Browser` the tests use. */
export interface Browser {
  newContext(
    options?: { viewport?: { width: number; height: number }; timezoneId?: string },
  ): Promise<{
    newPage(): Promise<Page>;
    close(): Promise<void>;
  }>;
  close(): Promise<void>;
}

/**
 * Chromium's launcher from playwright-core. Never let it download a browser:
 * always pass `executablePath`.
 *
 * @example
 * ```ts
 * const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
 * await browser.close();
 * ```
 */
export const chromium: {
  launch(options: { executablePath: string; args?: string[] }): Promise<Browser>;
} = createRequire(import.meta.url)("playwright-core").chromium;
