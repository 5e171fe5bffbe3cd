import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { webBuildDirectory } from '../../src/modules/dashboard';

/** Debian's chromium driven by playwright-core. Without it a browser suite is skipped, unless REQUIRE_BROWSER=1 makes that a failure. */
export const CHROMIUM = '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
export const describeBrowser = chromiumAvailable || process.env.REQUIRE_BROWSER === '1' ? describe : describe.skip;
export const ARTIFACTS = resolve(__dirname, '../../test-artifacts/web');

export async function launchBrowser(): Promise<Browser> {
  if (!chromiumAvailable)
    throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM} is missing: apt-get update && apt-get install -y chromium fonts-noto-cjk`);
  if (!webBuildDirectory()) throw new Error('The web pages are not built: run `npm run build` (or `npm run build:web`) first');
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A browser profile of its own (storage, language); the page's Content-Security-Policy stays in force and violations are collected. */
export async function openContext(
  browser: Browser,
  locale = 'en-US',
): Promise<{ context: BrowserContext; page: Page; cspViolations: string[] }> {
  const context = await browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  return { context, page, cspViolations };
}

export async function signIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(url);
  await page.fill('#api-key', key);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#main');
  await page.waitForSelector('#connection.live');
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG A/AA rules on the page as it is; returns the serious and critical violations. */
export async function axeViolations(page: Page): Promise<Array<{ id: string; impact: string; nodes: string[] }>> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // Runs in the page (the server tsconfig has no DOM types).
    const page = globalThis as any;
    const r: { violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> } = await page.axe.run(page.document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Elements whose content is wider than their box (clipped or scrolling sideways), and whether the page itself scrolls sideways. */
export async function overflowing(page: Page, selector: string): Promise<{ elements: string[]; page: boolean }> {
  return (await page.evaluate(`(() => {
    const elements = [...document.querySelectorAll(${JSON.stringify(selector)})]
      .filter((el) => el.scrollWidth > el.clientWidth + 1)
      .map((el) => (el.getAttribute('data-incident') || el.getAttribute('data-rma') || el.className) + ' ' + el.scrollWidth + '>' + el.clientWidth);
    return { elements, page: document.documentElement.scrollWidth > window.innerWidth + 1 };
  })()`)) as { elements: string[]; page: boolean };
}

export function artefact(name: string): string {
  return resolve(ARTIFACTS, name);
}
