import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { assignToCustomer, CALM_7X24, createContract, createWorld, report, World } from '../incidents/fixtures';
import { eventually, startTestHub, TestHub } from '../support/hub';
import { createCentres } from './helpers';

/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core.
 * Without chromium the suite is skipped, unless REQUIRE_BROWSER=1 makes that a
 * failure (CI installs it when .ci/needs-chromium exists).
 */
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const required = process.env.REQUIRE_BROWSER === '1';
const describeBrowser = available || required ? describe : describe.skip;
const SCREENSHOT = resolve(__dirname, '../../test-artifacts/dashboard.png');

describeBrowser('live customer dashboard (chromium)', () => {
  let t: TestHub;
  let w: World;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!available) throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
    t = await startTestHub();
    w = await createWorld(t);
    const contract = await createContract(t, { plan: CALM_7X24 });
    await assignToCustomer(t, contract, w.customerA);
    const { partner } = await createCentres(t);
    // Something in every panel: an open incident from before the page was opened, and an RMA.
    await report(t, { deviceSerial: w.deviceA2.serial, severity: 'P3', summary: 'Fan 2 speed warning on the edge-room server' }, w.keyA);
    await t.ok(`mutation($i: RequestRmaInput!) { requestRma(input: $i) { number } }`, {
      i: { deviceSerial: w.deviceA1.serial, faultyPartNumbers: ['PSU-750W'], problem: 'PSU 1 failed', centreId: partner },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('refuses a wrong key on the sign-in form', async () => {
    await page.goto(`${t.url}/dashboard`);
    await page.fill('#api-key', `shk_abcdefghijkl_${'x'.repeat(32)}`);
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForSelector('#sign-in-error:not([hidden])');
    expect(await page.textContent('#sign-in-error')).toBe('That API key is not valid.');
  });

  it('signs in with a customer key and shows reported incidents and status changes live, without a reload', async () => {
    await page.fill('#api-key', w.keyA);
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForSelector('#board:not([hidden])');
    await page.waitForSelector('#connection.live');
    expect(await page.evaluate('sessionStorage.getItem("hub.dashboard.apiKey")')).toBe(w.keyA);
    expect(await page.locator('[data-incident]').count()).toBe(1);
    expect(await page.textContent('#rmas')).toContain(w.deviceA1.serial);
    // A marker that a reload would wipe.
    await page.evaluate('window.__sameDocument = true');

    const incident = await report(t, { deviceSerial: w.deviceA1.serial, severity: 'P2', summary: 'RAID controller battery failed' }, w.keyA);
    const card = `[data-incident="${incident.id}"]`;
    await page.waitForSelector(`${card}[data-status="NEW"]`, { timeout: 10_000 });
    expect(await page.textContent(card)).toContain('RAID controller battery failed');
    // The response countdown ticks in the page.
    const countdown = `${card} .clock .countdown`;
    const before = await page.textContent(countdown);
    expect(before).toMatch(/^59m 5\ds left · due \d\d:\d\d:\d\d$/);
    // Polled from here: the page's CSP (rightly) forbids the string evaluation waitForFunction would use.
    await eventually(() => page.textContent(countdown), (text) => text !== before, 5000, 100);

    await t.ok(`mutation($id: ID!) { acknowledgeIncident(id: $id, note: "Engineer assigned") { status } }`, { id: incident.id });
    await page.waitForSelector(`${card}[data-status="ACKNOWLEDGED"]`, { timeout: 10_000 });
    expect(await page.textContent(`${card} .badge.status`)).toBe('ACKNOWLEDGED');
    // The response clock stopped: it reads as met now.
    await eventually(() => page.textContent(`${card} .clock .countdown`), (text) => text === 'met', 5000, 100);
    expect(await page.textContent('#updates')).toMatch(/status changed.*NEW → ACKNOWLEDGED/);
    expect(await page.evaluate('window.__sameDocument')).toBe(true);

    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('prints the SLA report of the day from a link with ?key= (the page renders under its CSP)', async () => {
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const report = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const blocked: string[] = [];
    report.on('console', (m) => {
      if (/Content Security Policy/.test(m.text())) blocked.push(m.text());
    });
    const response = await report.goto(`${t.url}/reports/sla-compliance.html?from=${today}&to=${today}&key=${encodeURIComponent(w.keyA)}`);
    expect(response?.status()).toBe(200);
    expect(await report.textContent('h1')).toBe('SLA compliance');
    expect(await report.locator('table').count()).toBe(1); // figures; no breaches yet today
    expect(blocked).toEqual([]);
    await report.screenshot({ path: SCREENSHOT.replace('dashboard.png', 'sla-report.png'), fullPage: true });
    await report.close();
  });

  it('has a large-type mode for wall screens, kept across visits', async () => {
    await page.click('#toggle-large');
    expect(await page.getAttribute('#toggle-large', 'aria-pressed')).toBe('true');
    const size = await page.evaluate('parseFloat(getComputedStyle(document.querySelector(".card .summary")).fontSize)');
    expect(size).toBeGreaterThan(24);
    // What a wall screen shows.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: SCREENSHOT.replace('.png', '-large.png'), fullPage: true });
    await page.reload();
    await page.waitForSelector('#board:not([hidden])');
    expect(await page.evaluate('document.documentElement.classList.contains("large")')).toBe(true);
    await page.click('#toggle-large');
    // Signing out forgets the key.
    await page.click('#sign-out');
    expect(await page.evaluate('sessionStorage.getItem("hub.dashboard.apiKey")')).toBeNull();
    expect(await page.isVisible('#sign-in')).toBe(true);
  });
});
