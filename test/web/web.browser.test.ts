import { Browser, Page } from 'playwright-core';
import { Role } from '../../src/platform/auth/principal';
import { CREATE_CONNECTOR, postAlert, zabbixPayload } from '../connectors/alert-fixtures';
import { assignToCustomer, CALM_7X24, createContract, createWorld, report, World } from '../incidents/fixtures';
import { createCentres } from '../service-ops/helpers';
import type { InProcessEventBus } from '../../src/platform/kafka/in-process-event-bus';
import { eventually, startTestHub, TestHub } from '../support/hub';
import { artefact, axeViolations, describeBrowser, launchBrowser, openContext, overflowing, signIn } from './browser';

/**
 * The customer dashboard (/dashboard) and the operator console (/console) in a real browser, side by side
 * on one hub: what one does appears on the other's screen without a reload.
 */
describeBrowser('customer dashboard and operator console (chromium)', () => {
  let t: TestHub;
  let w: World;
  let centres: { oem: string; partner: string };
  let operatorKey: string;
  let browser: Browser;
  let customer: Page;
  let operator: Page;
  const csp: string[][] = [];
  let reportedId: string;
  let overdueRma: string;
  let loanerSerial: string;
  let depotId: string;
  let surveyId: string;

  const text = (page: Page, selector: string) => page.textContent(selector).then((s) => s ?? '');
  const status = (id: string) =>
    t.ok(`query($id: ID!) { incident(id: $id) { status assignedCentreId satisfaction } }`, { id }).then((d) => d.incident);

  beforeAll(async () => {
    t = await startTestHub();
    w = await createWorld(t);
    const contract = await createContract(t, { plan: CALM_7X24 });
    await assignToCustomer(t, contract, w.customerA);
    await assignToCustomer(t, contract, w.customerB);
    centres = await createCentres(t);
    operatorKey = await t.createKey(Role.OPERATOR);
    // Something on the dashboard from before it was opened: an incident with some history, and an RMA.
    const earlier = await report(
      t,
      { deviceSerial: w.deviceA2.serial, severity: 'P3', summary: 'Fan 2 speed warning on the edge-room server' },
      w.keyA,
    );
    await t.ok(`mutation($id: ID!) { postIncidentProgress(id: $id, message: "Remote check scheduled") { id } }`, { id: earlier.id });
    // The unit has been out of service for three weeks: the RMA is past its loaner deadline (overdue), and the
    // loaner lent for it is past its due-back date.
    overdueRma = (
      await t.ok(`mutation($i: RequestRmaInput!) { requestRma(input: $i) { number } }`, {
        i: {
          deviceSerial: w.deviceA1.serial,
          faultyPartNumbers: ['PSU-750W'],
          problem: 'PSU 1 failed',
          centreId: centres.partner,
          outOfServiceAt: new Date(Date.now() - 21 * 86_400_000).toISOString(),
        },
      })
    ).requestRma.number;
    await eventually(
      () => t.ok(`query($n: String!) { rma(number: $n) { overdue } }`, { n: overdueRma }),
      (d) => d.rma.overdue === true,
      10_000,
      100,
    );
    depotId = (
      await t.ok(`mutation($i: CreateDepotInput!) { createDepot(input: $i) { id } }`, {
        i: { code: `WEB-${Date.now().toString(36).toUpperCase()}`, name: 'Shanghai spares', region: 'CN-EAST', city: 'Shanghai' },
      })
    ).createDepot.id;
    await t.ok(`mutation($d: ID!, $c: [DepotCoverageInput!]!) { setDepotCoverage(depotId: $d, coverage: $c) { id } }`, {
      d: depotId,
      c: [{ region: 'CN-EAST', deliveryTime: 'PT2H' }],
    });
    loanerSerial = `LN-${Date.now().toString(36).toUpperCase()}`;
    await t.ok(`mutation($i: RegisterLoanerInput!) { registerLoaner(input: $i) { id } }`, {
      i: { serialNumber: loanerSerial, vendor: 'Dell', model: 'PowerEdge R750', depotId },
    });
    const loan = (
      await t.ok(`mutation($i: AssignLoanerInput!) { assignLoaner(input: $i) { id } }`, {
        i: { deviceSerial: w.deviceA1.serial, rmaNumber: overdueRma },
      })
    ).assignLoaner;
    await t.ok(`mutation($id: ID!) { shipLoaner(loanId: $id) { id } }`, { id: loan.id });
    await t.ok(`mutation($id: ID!) { deliverLoaner(loanId: $id) { id } }`, { id: loan.id });
    await t.ok(`mutation($id: ID!, $at: DateTimeISO!) { setLoanDueBack(loanId: $id, dueBackAt: $at) { id } }`, {
      id: loan.id,
      at: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    });
    // An incident closed with the customer's consent but no rating: the hub issues a survey for the customer to answer.
    const surveyed = await report(t, { deviceSerial: w.deviceA2.serial, severity: 'P4', summary: 'Front panel LED flickers' }, w.keyA);
    await t.ok(`mutation($id: ID!) { acknowledgeIncident(id: $id) { id } }`, { id: surveyed.id });
    for (const to of ['IN_PROGRESS', 'RESTORED'])
      await t.ok(`mutation($id: ID!, $to: IncidentStatus!) { transitionIncident(id: $id, to: $to) { id } }`, { id: surveyed.id, to });
    await t.ok(`mutation($id: ID!) { closeIncidentWithConsent(id: $id, consentReference: "phone call 10:02") { id } }`, {
      id: surveyed.id,
    });
    surveyId = (
      await eventually(
        () => t.ok(`query($id: ID!) { incident(id: $id) { satisfactionSurvey { id status } } }`, { id: surveyed.id }),
        (d) => d.incident.satisfactionSurvey?.status === 'ISSUED',
        10_000,
        100,
      )
    ).incident.satisfactionSurvey.id;
    // A monthly inspection plan for the main site whose next visit falls about a week from now (first working day
    // on or after that day of the month, in the site's zone), so the inspections view has a visit due.
    const inAWeek = new Date(Date.now() + 7 * 86_400_000 + 8 * 3_600_000).getUTCDate();
    await t.ok(`mutation($i: CreateInspectionPlanInput!) { createInspectionPlan(input: $i) { id } }`, {
      i: { contractId: contract, siteId: w.siteA, frequency: 'MONTHLY', dayOfSlot: Math.min(inAWeek, 28), horizonDays: 60 },
    });
    // Another customer's incident: the operator sees it, customer A does not.
    await report(t, { deviceSerial: w.deviceB1.serial, severity: 'P2', summary: 'Storage array degraded at B' }, w.keyB);
    browser = await launchBrowser();
    const c = await openContext(browser, 'en-US');
    const o = await openContext(browser, 'en-US');
    customer = c.page;
    operator = o.page;
    csp.push(c.cspViolations, o.cspViolations);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('refuses a wrong key, and a customer key on the operator console', async () => {
    await customer.goto(`${t.url}/dashboard`);
    await customer.fill('#api-key', `shk_abcdefghijkl_${'x'.repeat(32)}`);
    await customer.click('#sign-in-form button[type=submit]');
    expect(await text(customer, '#sign-in-error')).toBe('That API key is not valid.');

    await operator.goto(`${t.url}/console`);
    await operator.fill('#api-key', w.keyA);
    await operator.click('#sign-in-form button[type=submit]');
    expect(await text(operator, '#sign-in-error')).toBe('This page is not for CUSTOMER keys.');
    expect(await operator.evaluate('sessionStorage.getItem("hub.console.apiKey")')).toBeNull();
  });

  it('signs both in with keys kept in session storage, never in the URL; the feed shows the recent timeline', async () => {
    await signIn(customer, `${t.url}/dashboard`, w.keyA);
    await signIn(operator, `${t.url}/console`, operatorKey);
    expect(await customer.evaluate('sessionStorage.getItem("hub.dashboard.apiKey")')).toBe(w.keyA);
    expect(customer.url()).not.toContain(w.keyA);
    expect(operator.url()).not.toContain(operatorKey);
    await customer.waitForSelector('[data-incident]');
    expect(await customer.locator('[data-incident]').count()).toBe(1);
    expect(await text(customer, '#rmas')).toContain(w.deviceA1.serial);
    // History from before the page was opened, not only what arrives live.
    await customer.waitForSelector('#updates li');
    expect(await text(customer, '#updates')).toContain('Remote check scheduled');
    // The operator's queue holds both customers' incidents.
    await operator.waitForSelector('#queue tbody tr >> nth=1');
    expect(await text(operator, '#queue')).toContain('Storage array degraded at B');
  });

  it('marks the overdue RMA and the overdue loaner on the dashboard, in text a screen reader reads', async () => {
    const rma = customer.locator(`#rmas tr[data-rma="${overdueRma}"]`);
    await rma.locator('.badge.breached').waitFor();
    expect(await rma.getAttribute('class')).toContain('overdue');
    expect(await rma.locator('.badge.breached').isVisible()).toBe(true);
    expect(await rma.locator('.badge.breached').textContent()).toBe('Overdue');
    // Not a colour alone: the row's accessible name carries the mark.
    expect(await customer.getByRole('row', { name: new RegExp(`${overdueRma}.*Overdue`) }).count()).toBe(1);
    const loan = customer.locator('#loans li', { hasText: loanerSerial });
    await loan.locator('.badge.breached').waitFor();
    expect(await loan.getAttribute('class')).toContain('overdue');
    expect(await loan.locator('.badge.breached').isVisible()).toBe(true);
    expect(await customer.locator('#loans').ariaSnapshot()).toMatch(new RegExp(`listitem:[^]*${loanerSerial}[^]*on loan Overdue`));
  });

  it('the customer answers a survey from the dashboard', async () => {
    const form = `#surveys form[data-survey="${surveyId}"]`;
    await customer.waitForSelector(form);
    expect(await text(customer, form)).toContain('Front panel LED flickers');
    await customer.check(`${form} input[type=radio][value="5"]`);
    await customer.fill(`${form} input[name=comment]`, 'Engineer explained everything');
    await customer.click(`${form} button[type=submit]`);
    await customer.waitForSelector('#surveys .ok');
    expect(await text(customer, '#surveys .ok')).toBe('Thank you: your answer was recorded.');
    await customer.waitForSelector(form, { state: 'detached' });
    const survey = await t.ok(`query($id: ID!) { satisfactionSurvey(id: $id) { status rating comment source } }`, { id: surveyId });
    expect(survey.satisfactionSurvey).toEqual({
      status: 'ANSWERED',
      rating: 5,
      comment: 'Engineer explained everything',
      source: 'SURVEY',
    });
  });

  it('a customer reports a fault from the dashboard; it appears live on the dashboard and in the operator queue', async () => {
    await customer.evaluate('window.__sameDocument = true');
    await operator.evaluate('window.__sameDocument = true');
    await customer.selectOption('#report-fault select[name=device]', w.deviceA1.serial);
    await customer.selectOption('#report-fault select[name=severity]', 'P2');
    await customer.fill('#report-fault input[name=summary]', 'RAID controller battery failed');
    await customer.fill('#report-fault textarea[name=description]', 'Write cache disabled since 09:10');
    await customer.click('#report-fault button[type=submit]');
    await customer.waitForSelector('#report-fault .ok');

    const rows = await t.ok(`{ incidents(filter: { status: [NEW] }, first: 10) { edges { node { id summary channel customerId } } } }`);
    const created = rows.incidents.edges.map((e: any) => e.node).find((n: any) => n.summary === 'RAID controller battery failed');
    expect(created).toMatchObject({ channel: 'PORTAL', customerId: w.customerA });
    reportedId = created.id;

    const card = `[data-incident="${reportedId}"]`;
    await customer.waitForSelector(`${card}[data-status="NEW"]`);
    // Targets in words, the deadline in the site's zone with the zone shown.
    expect(await text(customer, `${card} .clock[data-kind="RESPONSE"]`)).toMatch(
      /^Response 1 h.*left.*due \d{4}-\d\d-\d\d \d\d:\d\d GMT\+8$/,
    );
    expect(await text(customer, `${card} .clock[data-kind="RESPONSE"] .clock-kind`)).toBe('Response 1 h');
    const row = `#queue tr[data-row="${reportedId}"]`;
    await operator.waitForSelector(`${row}[data-status="NEW"]`);
    expect(await text(operator, row)).toContain('RAID controller battery failed');
    // Sorted by the next deadline: the new incident's response is due last (all plans give 1 h).
    const order = await operator.locator('#queue tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-row')));
    expect(order[order.length - 1]).toBe(reportedId);
    expect(await customer.evaluate('window.__sameDocument')).toBe(true);
    expect(await operator.evaluate('window.__sameDocument')).toBe(true);
  });

  it('the operator acknowledges and assigns from the queue while the customer dashboard follows live', async () => {
    const row = `#queue tr[data-row="${reportedId}"]`;
    const card = `[data-incident="${reportedId}"]`;
    await operator.click(`${row} button.ack`);
    await operator.waitForSelector(`${row}[data-status="ACKNOWLEDGED"]`);
    await customer.waitForSelector(`${card}[data-status="ACKNOWLEDGED"]`);
    expect(await text(customer, `${card} .badge.status`)).toBe('Acknowledged');
    await eventually(
      () => text(customer, `${card} .clock[data-kind="RESPONSE"] .countdown`),
      (s) => s === 'met',
      5000,
      100,
    );
    await eventually(
      () => text(customer, '#updates'),
      (s) => /status changed.*RAID controller battery failed/i.test(s),
      5000,
      100,
    );

    // Assign in two clicks: open the actions, choose the centre, assign.
    await operator.click(`${row} button.act`);
    await operator.selectOption('#assign-form select[name=centre]', centres.partner);
    await operator.click('#assign-form button[type=submit]');
    await eventually(
      () => status(reportedId),
      (s) => s.assignedCentreId === centres.partner,
      5000,
      100,
    );
    await eventually(
      () => text(customer, '#updates'),
      (s) => /assigned/i.test(s),
      5000,
      100,
    );

    expect(await axeViolations(customer)).toEqual([]);
    expect(await axeViolations(operator)).toEqual([]);
    await customer.screenshot({ path: artefact('dashboard.png'), fullPage: true });
    await operator.screenshot({ path: artefact('console-queue.png'), fullPage: true });
  });

  it('keyboard: j/k select a row, a acknowledges it, o opens the incident page', async () => {
    const other = (
      await report(
        t,
        { deviceSerial: w.deviceA2.serial, severity: 'P1', summary: 'Core switch down', emergency: 'DATACENTER_OUTAGE' },
        w.keyA,
      )
    ).id;
    await operator.waitForSelector(`#queue tr[data-row="${other}"][data-status="NEW"]`);
    // An emergency is marked on both screens.
    expect(await text(operator, `#queue tr[data-row="${other}"] .badge.emergency`)).toBe('Emergency');
    await customer.waitForSelector(`[data-incident="${other}"] .badge.emergency`);
    // j / k walk the rows in deadline order.
    const order = await operator.locator('#queue tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-row')));
    expect(order).toContain(other);
    await operator.focus('#queue tbody tr >> nth=0');
    for (let n = 0; n < order.indexOf(other); n++) await operator.keyboard.press('j');
    expect(await operator.getAttribute(`#queue tr[data-row="${other}"]`, 'aria-selected')).toBe('true');
    await operator.keyboard.press('k');
    expect(await operator.getAttribute(`#queue tr[data-row="${other}"]`, 'aria-selected')).toBe('false');
    await operator.keyboard.press('j');
    await operator.keyboard.press('a');
    await operator.waitForSelector(`#queue tr[data-row="${other}"][data-status="ACKNOWLEDGED"]`);
    await operator.keyboard.press('o');
    await operator.waitForSelector(`.incident-page[data-incident="${other}"]`);
    expect(await text(operator, '.incident-page h2')).toContain('Core switch down');
    expect(await text(operator, '.timeline')).toMatch(/status changed/i);
    expect(await operator.locator('.incident-page h4', { hasText: 'Notifications' }).count()).toBe(1);
    // What someone else does to the incident reaches its page without a reload.
    await operator.evaluate('window.__incidentPage = true');
    await t.ok(`mutation($id: ID!) { postIncidentProgress(id: $id, message: "Spare switch on its way from Pudong") { id } }`, {
      id: other,
    });
    await operator.waitForSelector('.timeline li:has-text("Spare switch on its way from Pudong")');
    expect(await operator.evaluate('window.__incidentPage')).toBe(true);
    expect(await axeViolations(operator)).toEqual([]);
    await operator.screenshot({ path: artefact('console-incident.png'), fullPage: true });
    await operator.goBack();
    await operator.waitForSelector('#queue');
  });

  it('the customer confirms closure with a rating once service is restored', async () => {
    for (const to of ['IN_PROGRESS', 'RESTORED'])
      await t.ok(`mutation($id: ID!, $to: IncidentStatus!) { transitionIncident(id: $id, to: $to) { id } }`, { id: reportedId, to });
    const card = `[data-incident="${reportedId}"]`;
    await customer.waitForSelector(`${card}[data-status="RESTORED"] form.confirm-closure`);
    await customer.check(`${card} form.confirm-closure input[type=radio][value="4"]`);
    await customer.fill(`${card} form.confirm-closure input[name=comment]`, 'Quick and tidy');
    await customer.click(`${card} form.confirm-closure button[type=submit]`);
    await customer.waitForSelector(card, { state: 'detached' });
    expect(await status(reportedId)).toMatchObject({ status: 'CLOSED', satisfaction: 4 });
    // Closed incidents leave the operator's queue too.
    await operator.waitForSelector(`#queue tr[data-row="${reportedId}"]`, { state: 'detached' });
  });

  it('switches between English and Chinese, follows the browser language, and keeps the choice', async () => {
    await customer.selectOption('#language', 'zh-CN');
    expect(await text(customer, 'h1')).toContain('服务看板');
    expect(await customer.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await text(customer, '[data-incident] .clock[data-kind="RESPONSE"] .clock-kind')).toBe('响应 1 小时');
    await customer.reload();
    await customer.waitForSelector('#main [data-incident]');
    expect(await text(customer, '#incidents-title')).toContain('未关闭的故障');
    expect(await axeViolations(customer)).toEqual([]);
    await customer.screenshot({ path: artefact('dashboard-zh.png'), fullPage: true });
    await customer.selectOption('#language', 'en');
    expect(await text(customer, 'h1')).toContain('Service dashboard');

    // A Chinese browser starts in Chinese without being asked.
    const { context, page } = await openContext(browser, 'zh-CN');
    await page.goto(`${t.url}/console`);
    expect(await text(page, '#sign-in-form h2')).toBe('登录');
    await context.close();
  });

  it('nothing is clipped in large-type mode or at phone width', async () => {
    await customer.click('#toggle-large');
    expect(await customer.getAttribute('#toggle-large', 'aria-pressed')).toBe('true');
    expect(await customer.evaluate('parseFloat(getComputedStyle(document.querySelector(".card .summary")).fontSize)')).toBeGreaterThan(24);
    for (const viewport of [
      { width: 1920, height: 1080 },
      { width: 390, height: 844 },
    ]) {
      await customer.setViewportSize(viewport);
      expect(await overflowing(customer, '.card, .panel, .clock, #rmas td')).toEqual({ elements: [], page: false });
    }
    await customer.screenshot({ path: artefact('dashboard-phone-large.png'), fullPage: true });
    await customer.click('#toggle-large');
    expect(await overflowing(customer, '.card, .panel, .clock, #rmas td')).toEqual({ elements: [], page: false });
    await customer.screenshot({ path: artefact('dashboard-phone.png'), fullPage: true });

    await operator.setViewportSize({ width: 390, height: 844 });
    expect(await overflowing(operator, '.action-panel, .action-grid form')).toEqual({ elements: [], page: false });
    await operator.setViewportSize({ width: 1440, height: 900 });
  });

  it('the console sections load for an operator: RMA board, depots, complaints, inspections, dead letters', async () => {
    // The customer files a complaint from the dashboard; the operator sees its reply clock.
    await customer.selectOption('#file-complaint select[name=category]', 'RESPONSE_SPEED');
    await customer.fill('#file-complaint input[name=summary]', 'Nobody called back');
    await customer.click('#file-complaint button[type=submit]');
    await customer.waitForSelector('#file-complaint .ok');
    await operator.click('#tab-rmas');
    await operator.waitForSelector('[data-rma]');
    expect(await text(operator, '.board-columns')).toContain(w.deviceA1.serial);
    expect(await text(operator, `[data-rma="${overdueRma}"] .badge.breached`)).toBe('Overdue');
    await operator.screenshot({ path: artefact('console-rmas.png'), fullPage: true });
    await operator.click('#tab-complaints');
    await operator.waitForSelector('[data-complaint]');
    expect(await text(operator, '[data-complaint]')).toMatch(/Nobody called back.*reply within 1[45] min/s);
    await operator.screenshot({ path: artefact('console-complaints.png'), fullPage: true });
    await operator.fill('[data-complaint] textarea', 'Engineer Wang will call you within the hour');
    await operator.click('[data-complaint] button[type=submit]');
    await eventually(
      () => text(operator, '[data-complaint]'),
      (s) => /replied \d{4}-/.test(s),
      5000,
      100,
    );
    const complaints = await t.ok(`{ complaints(first: 5) { edges { node { summary status firstRepliedAt } } } }`);
    expect(complaints.complaints.edges[0].node).toMatchObject({ summary: 'Nobody called back', status: 'REPLIED' });
    // A message on the RMA topic the hub cannot read: refused to the dead letters.
    const bus = t.app.hub.bus as InProcessEventBus;
    bus.publishRaw(t.app.hub.config.kafka.topics.rmaInbound, Buffer.from('{"type":"RmaApproved",'), 'RMA-UNREADABLE');
    await eventually(
      () => t.ok(`{ deadLetters(first: 10) { reason } }`),
      (d) => d.deadLetters.length > 0,
      5000,
      100,
    );
    for (const tab of ['depots', 'inspections', 'deadLetters']) {
      await operator.click(`#tab-${tab}`);
      await operator.waitForSelector(`a#tab-${tab}[aria-current="page"]`);
      await operator.waitForSelector('#main h2');
      expect(await operator.locator('#main .error').count()).toBe(0);
      if (tab === 'inspections') await operator.waitForSelector('#main li:has-text("A main DC")');
      if (tab === 'deadLetters') await operator.waitForSelector('#main td:has-text("malformed message")');
      expect(await axeViolations(operator)).toEqual([]);
      await operator.screenshot({ path: artefact(`console-${tab === 'deadLetters' ? 'dead-letters' : tab}.png`), fullPage: true });
    }
    expect(csp.flat()).toEqual([]);
  });

  it('the depots view follows the loaner pool live', async () => {
    await operator.click('#tab-depots');
    await operator.waitForSelector(`#main li:has-text("${loanerSerial}")`);
    await operator.evaluate('window.__depots = true');
    const added = `LN2-${Date.now().toString(36).toUpperCase()}`;
    await t.ok(`mutation($i: RegisterLoanerInput!) { registerLoaner(input: $i) { id } }`, {
      i: { serialNumber: added, vendor: 'Dell', model: 'PowerEdge R750', depotId },
    });
    await operator.waitForSelector(`#main li:has-text("${added}")`);
    expect(await operator.evaluate('window.__depots')).toBe(true);
  });

  it('unmatched monitoring alerts: the operator links one to a device, and its incident opens for the customer', async () => {
    const c = (await t.ok(CREATE_CONNECTOR, { i: { customerId: w.customerA, name: 'zabbix-dc1', format: 'ZABBIX' } })).createAlertConnector;
    const host = `db-${Date.now().toString(36)}`;
    const posted = await postAlert(
      t,
      c.ingestPath,
      zabbixPayload({ eventId: '9001', value: '1', host, severity: 'High', subject: `Zabbix agent on ${host} is unreachable` }),
      { bearer: c.secret },
    );
    expect(posted.body.results[0].outcome).toBe('UNMATCHED');
    await operator.click('#tab-alerts');
    const row = operator.locator('#unmatched-alerts tr[data-alert]', { hasText: host });
    await row.waitFor();
    expect(await row.textContent()).toMatch(new RegExp(`Customer A-.*via zabbix-dc1.*${host}.*P2.*unreachable.*firing`));
    expect(await axeViolations(operator)).toEqual([]);
    await operator.screenshot({ path: artefact('console-alerts.png'), fullPage: true });

    await operator.evaluate('window.__sameDocument = true');
    await row.locator('select[name=device]').selectOption({ label: `PowerEdge R750 ${w.deviceA2.serial} · A edge room` });
    await row.locator('button[type=submit]').click();
    await row.waitFor({ state: 'detached' });
    const linked = (
      await t.ok(`{ unmatchedAlerts(first: 50, includeLinked: true) { edges { node { deviceRef linkedIncidentId } } } }`)
    ).unmatchedAlerts.edges
      .map((e: any) => e.node)
      .find((n: any) => n.deviceRef === host);
    expect(linked.linkedIncidentId).toBeTruthy();
    // The linked alert stays listed on request, with a way to its incident.
    await operator.check('#alerts-include-linked');
    const done = operator.locator('#unmatched-alerts tr[data-linked="true"]', { hasText: host });
    await done.waitFor();
    expect(await done.textContent()).toMatch(/Linked by .*Open the incident/);
    // The incident it opened is on the customer's dashboard without a reload.
    await customer.waitForSelector(`[data-incident="${linked.linkedIncidentId}"]`);
    await done.locator('a', { hasText: 'Open the incident' }).click();
    await operator.waitForSelector(`.incident-page[data-incident="${linked.linkedIncidentId}"]`);
    expect(await operator.evaluate('window.__sameDocument')).toBe(true);
  });

  it('the console switches to Chinese, and reflows at phone width with large type', async () => {
    await operator.selectOption('#language', 'zh-CN');
    await operator.click('#tab-alerts');
    expect(await text(operator, '#tab-alerts')).toBe('未匹配告警');
    expect(await text(operator, '#alerts-title')).toContain('未匹配告警');
    expect(await axeViolations(operator)).toEqual([]);
    await operator.click('#toggle-large');
    await operator.check('#alerts-include-linked');
    await operator.setViewportSize({ width: 390, height: 844 });
    await operator.waitForSelector('#unmatched-alerts tr[data-alert]');
    expect(await overflowing(operator, '.panel, #unmatched-alerts td, .tabs')).toEqual({ elements: [], page: false });
    await operator.screenshot({ path: artefact('console-alerts-phone-zh.png'), fullPage: true });
    await operator.click('#toggle-large');
    await operator.setViewportSize({ width: 1440, height: 900 });
    await operator.selectOption('#language', 'en');
    expect(await text(operator, '#tab-alerts')).toBe('Unmatched alerts');
  });

  it("an ADMIN key on the dashboard sees every customer's incidents and whose each one is", async () => {
    const { context, page } = await openContext(browser);
    await signIn(page, `${t.url}/dashboard`, t.adminKey);
    await page.waitForSelector('[data-incident] .customer');
    const customers = await page.locator('[data-incident] .customer').allTextContents();
    expect(customers.some((c) => c.includes('Customer A-'))).toBe(true);
    expect(customers.some((c) => c.includes('Customer B-'))).toBe(true);
    await context.close();
  });
});
