import type { Page } from 'puppeteer-core';
import request from 'supertest';
import { CONSOLE_CSP } from '../../src/console/console-headers';
import { firstPassOnly } from '../support/adapter-pass';
import { useAdminApp } from '../support/admin-app';
import {
  launchBrowser,
  screenshot,
  watchedPage,
  type PageReports,
  type TestBrowser,
} from '../support/browser';
import { describeWith } from '../support/services';

/**
 * The web console in a real browser (Debian's Chromium, headless, via puppeteer-core)
 * against the real application with the admin API on and the sample data of
 * GET /initdb/: a refused token, sign-in, search, the K-9 finding on example.org's
 * POP-only settings, an edit that makes the finding go away and every client's preview
 * change, a field error from the API's validation, the DNS records copied, a phone-sized
 * viewport, and no console error or CSP violation. Screenshots go to
 * .test-output/console/. Independent of the HTTP adapter: first pass only.
 */

const WAIT = { timeout: 20_000 };
const CLIENTS = ['thunderbird', 'outlook', 'apple', 'k9'] as const;

/** Evaluates a JavaScript expression in the page (the tests' TypeScript has no DOM types). */
function js<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

/** Waits until the expression is truthy in the page. */
async function until(page: Page, expression: string): Promise<void> {
  await page.waitForFunction(expression, WAIT);
}

const q = (selector: string) => `document.querySelector(${JSON.stringify(selector)})`;
const textOf = (selector: string) => `(${q(selector)}?.textContent ?? '')`;

/** The text of the element, once it exists. */
async function text(page: Page, selector: string): Promise<string> {
  await page.waitForSelector(selector, WAIT);
  return js<string>(page, textOf(selector));
}

/** Replaces an input's value by typing, as a person would. */
async function fill(page: Page, selector: string, value: string): Promise<void> {
  await page.waitForSelector(selector, WAIT);
  await page.focus(selector);
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await page.keyboard.press('Backspace');
  await page.type(selector, value);
}

/** Clicks the button with this accessible name. */
async function clickButton(page: Page, name: string): Promise<void> {
  await page.locator(`::-p-aria([name=${JSON.stringify(name)}][role="button"])`).click();
}

/** The element with this role whose text contains `text`, once there. */
async function roleWithText(page: Page, role: string, contains: string): Promise<void> {
  await until(
    page,
    `[...document.querySelectorAll('[role=${JSON.stringify(role)}]')].some((element) => ` +
      `element.textContent.includes(${JSON.stringify(contains)}))`,
  );
}

/** Scrolls the section holding the element to the top of the viewport. */
async function scrollTo(page: Page, selector: string): Promise<void> {
  await js(page, `(${q(selector)}.closest('section') ?? ${q(selector)}).scrollIntoView()`);
}

async function summaries(page: Page): Promise<Record<string, string>> {
  const entries = await Promise.all(
    CLIENTS.map(async (client) => [client, await text(page, `#summary-${client}`)] as const),
  );
  return Object.fromEntries(entries);
}

/** The index of the first mail server whose type select holds `type`. */
async function serverIndexOfType(page: Page, type: string): Promise<number> {
  await page.waitForSelector('#servers-0-type', WAIT);
  return js<number>(
    page,
    `(() => { for (let i = 0; ; i++) { const select = document.getElementById('servers-' + i + '-type');
       if (select === null) return -1; if (select.value === ${JSON.stringify(type)}) return i; } })()`,
  );
}

firstPassOnly(describeWith('chromium'))('the web console in Chromium', () => {
  const admin = useAdminApp('sqlite-memory');
  let browser: TestBrowser;
  let page: Page;
  let reports: PageReports;
  let consoleUrl: string;

  beforeAll(async () => {
    await request(admin.current.app.url).get('/initdb/').expect(200);
    consoleUrl = `${admin.current.app.url}/admin/`;
    browser = await launchBrowser();
    const context = browser.browser.defaultBrowserContext();
    await context.overridePermissions(admin.current.app.url, [
      'clipboard-read',
      'clipboard-write',
      'clipboard-sanitized-write',
    ]);
    ({ page, reports } = await watchedPage(browser.browser));
    await page.setViewport({ width: 1280, height: 800 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('serves the page with its Content-Security-Policy', async () => {
    const response = await page.goto(consoleUrl, { waitUntil: 'load', ...WAIT });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBe(CONSOLE_CSP);
    expect(await page.title()).toBe('automx2-nest console');
    expect(await text(page, 'h1')).toBe('automx2-nest console');
    await page.waitForSelector('#token', WAIT);
    expect(await js<string>(page, `${q('label[for="token"]')}.textContent`)).toBe('Admin token');
    expect(await js<string>(page, `${q('#token')}.type`)).toBe('password');
  });

  it('refuses a bad token', async () => {
    await fill(page, '#token', 'not-a-token');
    await clickButton(page, 'Sign in');
    await roleWithText(page, 'alert', 'token was refused');
    expect(
      await js<string | null>(page, "sessionStorage.getItem('automx2-admin-token')"),
    ).toBeNull();
    expect(await js<string>(page, 'document.cookie')).toBe('');
    await screenshot(page, 'refused-token');
  });

  it('signs in with the token (keyboard only)', async () => {
    await fill(page, '#token', admin.current.token);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#domain-search', WAIT);
    await page.locator('::-p-aria([name="Sign out"][role="button"])').wait();
    expect(await js<string | null>(page, "sessionStorage.getItem('automx2-admin-token')")).toBe(
      admin.current.token,
    );
    expect(await js<string>(page, 'document.cookie')).toBe('');
  });

  it('finds example.org by searching "example.o"', async () => {
    await until(page, `document.querySelectorAll('#domain-list li').length >= 5`);
    await fill(page, '#domain-search', 'example.o');
    await until(
      page,
      `document.querySelectorAll('#domain-list li').length === 1 && ` +
        `${q('#domain-list a[href="#/domains/example.org"]')} !== null`,
    );
    expect(await text(page, '#domain-list li')).toContain('example.org');
    expect(
      await js<string | null>(page, `${q('#domain-search')}.labels[0]?.textContent ?? null`),
    ).toBe('Search domains');
    await screenshot(page, 'domain-list');
  });

  it('shows that K-9 cannot use the POP-only settings of example.org, and why', async () => {
    await page.click('#domain-list a[href="#/domains/example.org"]');
    await until(page, `${textOf('#domain-title')} === 'example.org'`);
    for (const section of ['Settings', 'Preview', 'Findings', 'DNS records']) {
      await page.locator(`::-p-aria([name=${JSON.stringify(section)}][role="heading"])`).wait();
    }
    const finding = '#findings li[data-rule="k9.pop-only"]';
    await page.waitForSelector(finding, WAIT);
    expect(await js<string>(page, `${q(finding)}.dataset.severity`)).toBe('error');
    expect(await text(page, finding)).toMatch(/K-9|Thunderbird for Android/);
    if ((await page.$('#summary-k9')) === null) await clickButton(page, 'Preview');
    await until(page, `${textOf('#summary-k9')}.length > 0`);
    expect(await text(page, '#summary-k9')).toMatch(/reject|cannot|POP only/i);
    expect(
      await js<string[]>(
        page,
        `[...document.querySelectorAll('article.client-preview')].map((a) => a.dataset.client)`,
      ),
    ).toEqual([...CLIENTS]);
    await screenshot(page, 'domain-pop-only');
    await scrollTo(page, '#findings');
    await screenshot(page, 'domain-findings');
    await scrollTo(page, '#summary-k9');
    await screenshot(page, 'domain-preview');
  });

  it('after the POP server becomes IMAP on 993 with TLS: Saved, the finding goes, every preview changes', async () => {
    const before = await summaries(page);
    const index = await serverIndexOfType(page, 'pop');
    expect(index).toBeGreaterThanOrEqual(0);
    await page.select(`#servers-${index}-type`, 'imap');
    await fill(page, `#servers-${index}-port`, '993');
    await page.select(`#servers-${index}-socket_type`, 'SSL');
    await clickButton(page, 'Save');
    await roleWithText(page, 'status', 'Saved');
    await until(page, `${q('#findings li[data-rule="k9.pop-only"]')} === null`);
    await until(page, `!${textOf('#summary-k9')}.includes('POP only')`);
    await until(page, `${textOf('#summary-thunderbird')}.includes('IMAP')`);
    const after = await summaries(page);
    for (const client of CLIENTS) {
      expect({ client, changed: after[client] !== before[client] }).toEqual({
        client,
        changed: true,
      });
    }
    expect(after.thunderbird).toContain(':993 TLS');
    expect(after.k9).toMatch(/^IMAP /);
    await scrollTo(page, '#summary-k9');
    await screenshot(page, 'domain-fixed');
  });

  it('shows the API validation error on the port field', async () => {
    const index = await serverIndexOfType(page, 'imap');
    const port = `#servers-${index}-port`;
    await fill(page, port, '70000');
    await clickButton(page, 'Save');
    await page.waitForSelector(`${port}[aria-invalid="true"]`, WAIT);
    const described = await js<string>(page, `${q(port)}.getAttribute('aria-describedby') ?? ''`);
    expect(described.split(/\s+/)).toContain(`servers-${index}-port-error`);
    expect((await text(page, `#servers-${index}-port-error`)).trim().length).toBeGreaterThan(0);
    await screenshot(page, 'field-error');
    await fill(page, port, '993');
    await clickButton(page, 'Save');
    await roleWithText(page, 'status', 'Saved');
    await until(page, `${q(`${port}[aria-invalid="true"]`)} === null`);
  });

  it('lists the DNS records and copies them all', async () => {
    await until(page, `${textOf('#dns-records')}.includes('example.org')`);
    const records = await text(page, '#dns-records');
    expect(records).toMatch(/_autodiscover\._tcp/);
    expect(records).toMatch(/\bSRV\b/);
    await page.bringToFront();
    await clickButton(page, 'Copy all');
    await roleWithText(page, 'status', 'Copied');
    const copied = await js<string>(page, 'navigator.clipboard.readText()');
    expect(copied.trim()).toBe(records.trim());
    // One record by its own button: `Copy <name> <type>` copies that line.
    const label = await js<string>(
      page,
      `${q('button[aria-label^="Copy _imap._tcp"]')}.getAttribute('aria-label')`,
    );
    const [, name, type] = /^Copy (\S+) (\S+)$/.exec(label) ?? [];
    expect({ name, type }).toEqual({ name: expect.stringMatching(/^_imap\._tcp\./), type: 'SRV' });
    await js(page, "navigator.clipboard.writeText('')");
    await clickButton(page, label);
    await until(page, `navigator.clipboard.readText().then((text) => text !== '')`);
    const line = (await js<string>(page, 'navigator.clipboard.readText()')).trim();
    expect(line.startsWith(name!)).toBe(true);
    expect(line.split(/\s+/)).toContain(type);
    expect(records.split('\n')).toContain(line);
  });

  it('is readable on a phone: no horizontal scrolling at 375 px', async () => {
    await page.setViewport({ width: 375, height: 740, isMobile: true, hasTouch: true });
    await page.reload({ waitUntil: 'load', ...WAIT });
    await until(page, `${textOf('#domain-title')} === 'example.org'`);
    await page.waitForSelector('#summary-thunderbird', WAIT).catch(() => undefined);
    const widths = await js<{ scroll: number; inner: number }>(
      page,
      '({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })',
    );
    expect(widths.scroll).toBeLessThanOrEqual(widths.inner);
    await screenshot(page, 'phone-domain');
    await page.setViewport({ width: 1280, height: 800 });
  });

  it('signs out and forgets the token', async () => {
    await clickButton(page, 'Sign out');
    await page.waitForSelector('#token', WAIT);
    expect(
      await js<string | null>(page, "sessionStorage.getItem('automx2-admin-token')"),
    ).toBeNull();
  });

  it('logged no CSP violation, no uncaught error, and no console error but refused calls', () => {
    expect(reports.cspViolations).toEqual([]);
    expect(reports.pageErrors).toEqual([]);
    const unexpected = reports.consoleErrors.filter(
      (line) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(line),
    );
    expect(unexpected).toEqual([]);
  });
});
