import { resolve } from 'node:path';
import { Browser } from 'playwright-core';
import { assignToCustomer, CALM_7X24, createContract, createWorld, World } from '../incidents/fixtures';
import { startTestHub, TestHub } from '../support/hub';
import { describeBrowser, launchBrowser } from '../web/browser';

/**
 * The printable HTML reports in a real browser (Debian's chromium driven by playwright-core). The customer
 * dashboard and the operator console have their own browser suite: test/web/web.browser.test.ts.
 */
const SCREENSHOT = resolve(__dirname, '../../test-artifacts/sla-report.png');

describeBrowser('HTML reports (chromium)', () => {
  let t: TestHub;
  let w: World;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestHub();
    w = await createWorld(t);
    await assignToCustomer(t, await createContract(t, { plan: CALM_7X24 }), w.customerA);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('prints the SLA report of the day from a signed link, with no key in the URL (the page renders under its CSP)', async () => {
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const report = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const blocked: string[] = [];
    report.on('console', (m) => {
      if (/Content Security Policy/.test(m.text())) blocked.push(m.text());
    });
    const path = `/reports/sla-compliance.html?from=${today}&to=${today}`;
    const link: string = (await t.ok(`mutation($path: String!) { signLink(path: $path) { url } }`, { path }, w.keyA)).signLink.url;
    expect(link).not.toContain(w.keyA);
    const response = await report.goto(link.startsWith('http') ? link : `${t.url}${link}`);
    expect(response?.status()).toBe(200);
    expect(await report.textContent('h1')).toBe('SLA compliance');
    expect(await report.locator('table').count()).toBe(1); // figures; no breaches yet today
    expect(blocked).toEqual([]);
    await report.screenshot({ path: SCREENSHOT, fullPage: true });
    await report.close();
  });
});
