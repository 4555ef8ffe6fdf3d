/**
 * Debian's Chromium driven by puppeteer-core, for the console's browser tests: a
 * headless browser on a fresh profile (nothing synced, fetched or updated in the
 * background), pages that record every console error, uncaught exception and
 * Content-Security-Policy violation, and screenshots under `.test-output/console/`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { ROOT } from './dist';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(ROOT, '.test-output', 'console');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface TestBrowser {
  readonly browser: Browser;
  /** Closes the browser and removes its profile. */
  readonly close: () => Promise<void>;
}

/** Launches Chromium headless on a temporary profile. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'automx2-chromium-'));
  try {
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profile,
      args: CHROMIUM_ARGS,
      protocolTimeout: 60_000,
    });
    return {
      browser,
      close: async () => {
        await browser.close().catch(() => undefined);
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/** What a page reported while the test ran. */
export interface PageReports {
  /** Console messages of type error (text and URL). */
  readonly consoleErrors: string[];
  /** Uncaught exceptions. */
  readonly pageErrors: string[];
  /** `securitypolicyviolation` events: `<directive> <blocked URI>`. */
  readonly cspViolations: string[];
}

/** Passes each CSP violation of the page to `__reportCspViolation` (exposed below). */
const CSP_LISTENER = `document.addEventListener('securitypolicyviolation', (event) => {
  window.__reportCspViolation(event.violatedDirective + ' ' + event.blockedURI);
});`;

/** A new page whose console errors, exceptions and CSP violations are collected. */
export async function watchedPage(browser: Browser): Promise<{ page: Page; reports: PageReports }> {
  const page = await browser.newPage();
  const reports: PageReports = { consoleErrors: [], pageErrors: [], cspViolations: [] };
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    reports.consoleErrors.push(`${message.text()} (${message.location().url ?? ''})`);
  });
  page.on('pageerror', (error) => {
    reports.pageErrors.push(error instanceof Error ? error.message : String(error));
  });
  await page.exposeFunction('__reportCspViolation', (text: string) => {
    reports.cspViolations.push(text);
  });
  // Injected by the DevTools protocol, before any script of the page: the page's CSP
  // does not apply to it.
  await page.evaluateOnNewDocument(CSP_LISTENER);
  return { page, reports };
}

/** Saves a PNG of the viewport as `.test-output/console/<name>.png`; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
