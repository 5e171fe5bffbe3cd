import { Role } from '../../src/platform/auth/principal';
import { startTestHub, TestHub } from '../support/hub';
import { assignToCustomer, CALM_7X24, clockOf, createContract, createWorld, INCIDENT_FIELDS, report, sleep, World } from './fixtures';

const MOVE = `mutation($id: ID!, $to: IncidentStatus!, $note: String) { transitionIncident(id: $id, to: $to, note: $note) { ${INCIDENT_FIELDS} } }`;

describe('incident lifecycle', () => {
  let t: TestHub;
  let w: World;
  let calm: string;

  const move = async (id: string, to: string, note?: string) => (await t.ok(MOVE, { id, to, note })).transitionIncident;
  const count = async (sql: string, params: unknown[] = []) =>
    Number(((await t.app.hub.db.dataSource.query(sql, params)) as Array<{ n: number | string }>)[0].n);

  beforeAll(async () => {
    t = await startTestHub();
    w = await createWorld(t);
    calm = await createContract(t, { plan: CALM_7X24 });
    await assignToCustomer(t, calm, w.customerA);
    await assignToCustomer(t, calm, w.customerB);
  });
  afterAll(() => t?.stop());

  it('returns the incident with its deadlines computed', async () => {
    const incident = await report(
      t,
      { deviceSerial: w.deviceA2.serial, severity: 'P2', channel: 'PHONE', summary: 'RAID degraded' },
      w.keyA,
    );
    expect(incident).toMatchObject({
      status: 'NEW',
      severity: 'P2',
      managementLevel: 'ENGINEER',
      supportTier: 1,
      customerId: w.customerA,
      siteId: w.siteARemote,
    });
    const reportedAt = Date.parse(incident.reportedAt);
    expect(incident.clocks.map((c: { kind: string }) => c.kind)).toEqual(['RESPONSE', 'ON_SITE', 'RESTORE']);
    expect(Date.parse(clockOf(incident, 'RESPONSE').dueAt)).toBe(reportedAt + 3600_000);
    expect(Date.parse(clockOf(incident, 'ON_SITE').dueAt)).toBe(reportedAt + 2 * 3600_000);
    expect(Date.parse(incident.nextDueAt)).toBe(reportedAt + 3600_000);
    expect(clockOf(incident, 'RESTORE')).toMatchObject({ state: 'RUNNING', target: 'PT4H', breached: false, met: false });
  });

  it('is idempotent per customer with externalRef, also under 10 concurrent retries', async () => {
    const input = { deviceSerial: w.deviceA1.serial, severity: 'P3', externalRef: 'NMS-4711', channel: 'MONITORING' };
    const results = await Promise.all(Array.from({ length: 10 }, () => report(t, input, w.keyA)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await count(`SELECT COUNT(*) AS n FROM incidents WHERE externalRef = 'NMS-4711'`)).toBe(1);
    expect(await count(`SELECT COUNT(*) AS n FROM incident_events WHERE incidentId = ?`, [results[0].id])).toBe(1);
    const again = await report(t, input, w.keyA);
    expect(again.id).toBe(results[0].id);
    // The same reference from another customer is another incident.
    const other = await report(t, { ...input, deviceSerial: w.deviceB1.serial }, w.keyB);
    expect(other.id).not.toBe(results[0].id);
  });

  it('refuses illegal moves with INVALID_TRANSITION and the allowed list', async () => {
    const incident = await report(t, { deviceSerial: w.deviceA1.serial }, w.keyA);
    const bad = await t.gql(MOVE, { id: incident.id, to: 'RESTORED' });
    expect(bad.errors?.[0].extensions).toMatchObject({
      code: 'INVALID_TRANSITION',
      from: 'NEW',
      to: 'RESTORED',
      allowed: ['ACKNOWLEDGED', 'CANCELLED'],
    });
    const unchanged = await t.ok(`query($id: ID!) { incident(id: $id) { status allowedTransitions timeline { type } } }`, {
      id: incident.id,
    });
    expect(unchanged.incident).toEqual({
      status: 'NEW',
      allowedTransitions: ['ACKNOWLEDGED', 'CANCELLED'],
      timeline: [{ type: 'REPORTED' }],
    });
  });

  it('walks the happy path; CLOSED only through the customer', async () => {
    const incident = await report(t, { deviceSerial: w.deviceA1.serial, severity: 'P2' }, w.keyA);
    const acked = (
      await t.ok(`mutation($id: ID!) { acknowledgeIncident(id: $id, note: "on it") { ${INCIDENT_FIELDS} } }`, { id: incident.id })
    ).acknowledgeIncident;
    expect(clockOf(acked, 'RESPONSE')).toMatchObject({ state: 'MET', met: true });
    await move(incident.id, 'IN_PROGRESS');
    const onSite = await move(incident.id, 'ON_SITE', 'engineer Li arrived');
    expect(clockOf(onSite, 'ON_SITE').state).toBe('MET');
    await move(incident.id, 'AWAITING_PARTS');
    await t.ok(`mutation($id: ID!, $i: DiagnosisInput!) { recordDiagnosis(id: $id, input: $i) { id } }`, {
      id: incident.id,
      i: {
        findings: 'PSU 2 dead',
        cause: 'Capacitor failure',
        actions: 'Replaced PSU',
        partsUsed: [{ partNumber: '0NTCWP', quantity: 1, serialNumber: 'CN-0NTCWP-1' }],
      },
    });
    const restored = await move(incident.id, 'RESTORED');
    expect(clockOf(restored, 'RESTORE').state).toBe('MET');
    expect(restored.nextDueAt).toBeNull();

    const direct = await t.gql(MOVE, { id: incident.id, to: 'CLOSED' });
    expect(direct.errors?.[0].extensions).toMatchObject({
      code: 'INVALID_TRANSITION',
      reason: 'CUSTOMER_CONSENT_REQUIRED',
      allowed: ['IN_PROGRESS', 'CANCELLED'],
    });
    const byOther = await t.gql(`mutation($id: ID!) { confirmIncidentClosure(id: $id) { status } }`, { id: incident.id }, w.keyB);
    expect(byOther.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const byStaff = await t.gql(`mutation($id: ID!) { confirmIncidentClosure(id: $id) { status } }`, { id: incident.id });
    expect(byStaff.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const badRating = await t.gql(
      `mutation($id: ID!) { confirmIncidentClosure(id: $id, satisfaction: 6) { status } }`,
      { id: incident.id },
      w.keyA,
    );
    expect(badRating.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    const closed = await t.ok(
      `mutation($id: ID!) { confirmIncidentClosure(id: $id, satisfaction: 5, comment: "fast and clean") { status satisfaction customerComment closedAt closedBy } }`,
      { id: incident.id },
      w.keyA,
    );
    expect(closed.confirmIncidentClosure).toMatchObject({ status: 'CLOSED', satisfaction: 5, customerComment: 'fast and clean' });
    const full = await t.ok(
      `query($id: ID!) { incident(id: $id) { timeline { type fromStatus toStatus actor } diagnosis { cause revision partsUsed { partNumber quantity serialNumber } } } }`,
      { id: incident.id },
      w.keyA,
    );
    expect(
      full.incident.timeline.map((e: { type: string; toStatus: string | null }) => `${e.type}${e.toStatus ? `:${e.toStatus}` : ''}`),
    ).toEqual([
      'REPORTED:NEW',
      'STATUS_CHANGED:ACKNOWLEDGED',
      'STATUS_CHANGED:IN_PROGRESS',
      'STATUS_CHANGED:ON_SITE',
      'STATUS_CHANGED:AWAITING_PARTS',
      'DIAGNOSIS_RECORDED',
      'STATUS_CHANGED:RESTORED',
      'STATUS_CHANGED:CLOSED',
      'CLOSURE_CONFIRMED',
    ]);
    expect(full.incident.diagnosis).toEqual({
      cause: 'Capacitor failure',
      revision: 1,
      partsUsed: [{ partNumber: '0NTCWP', quantity: 1, serialNumber: 'CN-0NTCWP-1' }],
    });
    expect(await t.app.hub.scheduler.pending()).not.toContainEqual(
      expect.objectContaining({ jobKey: expect.stringContaining(incident.id) }),
    );
  });

  it('lets an operator close on recorded consent, which must be referenced', async () => {
    const incident = await report(t, { deviceSerial: w.deviceA1.serial }, w.keyA);
    for (const to of ['ACKNOWLEDGED', 'IN_PROGRESS', 'RESTORED']) await move(incident.id, to);
    const blank = await t.gql(`mutation($id: ID!) { closeIncidentWithConsent(id: $id, consentReference: "  ") { status } }`, {
      id: incident.id,
    });
    expect(blank.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const customer = await t.gql(
      `mutation($id: ID!) { closeIncidentWithConsent(id: $id, consentReference: "x") { status } }`,
      { id: incident.id },
      w.keyA,
    );
    expect(customer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const closed = await t.ok(
      `mutation($id: ID!) { closeIncidentWithConsent(id: $id, consentReference: "CALL-2026-11-22-0815", note: "Mr Li confirmed by phone") { status closureConsentRef } }`,
      { id: incident.id },
    );
    expect(closed.closeIncidentWithConsent).toEqual({ status: 'CLOSED', closureConsentRef: 'CALL-2026-11-22-0815' });
  });

  it('pauses the restore clock while awaiting the customer, and a reopen resumes it', async () => {
    const incident = await report(t, { deviceSerial: w.deviceA1.serial }, w.keyA);
    await move(incident.id, 'ACKNOWLEDGED');
    const waiting = await move(incident.id, 'AWAITING_CUSTOMER');
    expect(clockOf(waiting, 'RESTORE')).toMatchObject({ state: 'PAUSED', paused: true });
    expect(clockOf(waiting, 'ON_SITE').state).toBe('RUNNING');
    await sleep(400);
    await move(incident.id, 'IN_PROGRESS');
    const restored = await move(incident.id, 'RESTORED');
    await sleep(300);
    const reopened = await move(incident.id, 'IN_PROGRESS', 'fault came back');
    const restore = clockOf(reopened, 'RESTORE');
    expect(restore.state).toBe('RUNNING');
    expect(restore.pauses.map((p: { reason: string }) => p.reason)).toEqual(['AWAITING_CUSTOMER', 'REOPEN_GAP']);
    const paused = restore.pauses.reduce((sum: number, p: { from: string; to: string }) => sum + Date.parse(p.to) - Date.parse(p.from), 0);
    expect(paused).toBeGreaterThanOrEqual(650);
    expect(Date.parse(restore.dueAt)).toBe(Date.parse(incident.reportedAt) + 4 * 3600_000 + paused);
    expect(Date.parse(clockOf(restored, 'RESTORE').dueAt)).toBeLessThan(Date.parse(restore.dueAt));
    const jobs = await t.app.hub.scheduler.pending();
    expect(jobs.find((j) => j.jobKey.startsWith(`incident:${incident.id}:RESTORE:BREACH`))?.dueAt.toISOString()).toBe(restore.dueAt);
  });

  it('cancels every clock and timer of a cancelled incident', async () => {
    const incident = await report(t, { deviceSerial: w.deviceA1.serial }, w.keyA);
    const cancelled = await move(incident.id, 'CANCELLED', 'duplicate of NMS-4711');
    expect(cancelled.clocks.map((c: { state: string }) => c.state)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    expect((await t.app.hub.scheduler.pending()).filter((j) => j.jobKey.includes(incident.id))).toEqual([]);
    const again = await t.gql(MOVE, { id: incident.id, to: 'ACKNOWLEDGED' });
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'INVALID_TRANSITION', allowed: [] });
  });

  it('rejects bad reports before writing anything', async () => {
    const before = await count(`SELECT COUNT(*) AS n FROM incidents`);
    const unknown = await t.gql(
      `mutation { reportIncident(input: { deviceSerial: "NO-SUCH-SN", severity: P1, summary: "x x x", channel: API }) { id } }`,
    );
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const nothing = await t.gql(`mutation { reportIncident(input: { severity: P1, summary: "x x x", channel: API }) { id } }`);
    expect(nothing.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const mismatch = await t.gql(
      `mutation($s: String!, $site: ID!) { reportIncident(input: { deviceSerial: $s, siteId: $site, severity: P1, summary: "x x x", channel: API }) { id } }`,
      { s: w.deviceA1.serial, site: w.siteB },
    );
    expect(mismatch.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const future = await t.gql(
      `mutation($s: String!) { reportIncident(input: { deviceSerial: $s, severity: P1, summary: "x x x", channel: API, occurredAt: "2099-01-01T00:00:00Z" }) { id } }`,
      { s: w.deviceA1.serial },
    );
    expect(future.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const short = await t.gql(
      `mutation($s: String!) { reportIncident(input: { deviceSerial: $s, severity: P1, summary: "x", channel: API }) { id } }`,
      { s: w.deviceA1.serial },
    );
    expect(short.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      validation: [{ field: 'summary', constraints: { isLength: expect.any(String) } }],
    });
    // A customer without any contract gets a clear refusal.
    const lonely = (await t.ok(`mutation { createCustomer(input: { code: "LONELY-1", name: "No contract" }) { id } }`)).createCustomer.id;
    const lonelySite = (
      await t.ok(`mutation($c: ID!) { createSite(input: { customerId: $c, name: "x", city: "x", region: "x" }) { id } }`, { c: lonely })
    ).createSite.id;
    const uncovered = await t.gql(
      `mutation($site: ID!) { reportIncident(input: { siteId: $site, severity: P1, summary: "room flooded", channel: PHONE }) { id } }`,
      { site: lonelySite },
    );
    expect(uncovered.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NO_CONTRACT' });
    expect(await count(`SELECT COUNT(*) AS n FROM incidents`)).toBe(before);
  });

  it('lists with filters and Relay pagination, and keeps nested fields batched', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await report(t, { deviceSerial: w.deviceB1.serial, severity: i % 2 ? 'P1' : 'P4' }, w.keyB)).id);
    const LIST = `query($f: IncidentFilter, $first: Int, $after: String) { incidents(filter: $f, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id severity customer { code } site { name } device { serialNumber } contract { code } clocks { dueAt } timeline { type } } } } }`;
    const page1 = await t.gql(LIST, { f: { customerId: w.customerB, severity: ['P1'] }, first: 2 });
    expect(page1.data!.incidents.totalCount).toBeGreaterThanOrEqual(3);
    expect(page1.data!.incidents.edges.map((e: { node: { severity: string } }) => e.node.severity)).toEqual(['P1', 'P1']);
    const page2 = await t.ok(LIST, {
      f: { customerId: w.customerB, severity: ['P1'] },
      first: 2,
      after: page1.data!.incidents.pageInfo.endCursor,
    });
    expect(page2.incidents.edges[0].node.id).not.toBe(page1.data!.incidents.edges[1].node.id);
    const small = await t.gql(LIST, { f: { customerId: w.customerB }, first: 2 });
    const large = await t.gql(LIST, { f: { customerId: w.customerB }, first: 7 });
    expect(large.data!.incidents.edges).toHaveLength(7);
    expect(large.sqlStatements).toBe(small.sqlStatements);

    const dueSoon = await t.ok(
      `query($d: DateTimeISO!) { incidents(filter: { dueBefore: $d, customerId: "${w.customerB}" }) { totalCount } }`,
      { d: new Date(Date.now() + 2 * 3600_000).toISOString() },
    );
    expect(dueSoon.incidents.totalCount).toBeGreaterThanOrEqual(6);
    const none = await t.ok(
      `query($d: DateTimeISO!) { incidents(filter: { dueBefore: $d, customerId: "${w.customerB}" }) { totalCount } }`,
      { d: new Date(Date.now() - 3600_000).toISOString() },
    );
    expect(none.incidents.totalCount).toBe(0);
    const breached = await t.ok(`{ incidents(filter: { breached: true, customerId: "${w.customerB}" }) { totalCount } }`);
    expect(breached.incidents.totalCount).toBe(0);
  });

  it('lets a partner centre see and work only the incidents assigned to it', async () => {
    const incident = await report(t, { deviceSerial: w.deviceA1.serial }, w.keyA);
    // A PARTNER key's scope must be an existing support centre.
    const newCentre = async (code: string): Promise<string> =>
      (
        await t.ok(`mutation($input: CreateSupportCentreInput!) { createSupportCentre(input: $input) { id } }`, {
          input: { code, name: `Centre ${code}`, region: 'East', tier: 3 },
        })
      ).createSupportCentre.id;
    const centre = await newCentre('LC-PARTNER');
    const partner = await t.createKey(Role.PARTNER, centre);
    const otherPartner = await t.createKey(Role.PARTNER, await newCentre('LC-OTHER'));
    expect((await t.gql(`query($id: ID!) { incident(id: $id) { id } }`, { id: incident.id }, partner)).errors?.[0].extensions?.code).toBe(
      'NOT_FOUND',
    );
    await t.ok(`mutation($id: ID!, $c: ID!) { assignIncident(id: $id, centreId: $c, supportTier: 2) { assignedCentreId supportTier } }`, {
      id: incident.id,
      c: centre,
    });
    const seen = await t.ok(`query($id: ID!) { incident(id: $id) { id supportTier } }`, { id: incident.id }, partner);
    expect(seen.incident.supportTier).toBe(2);
    const assigned = await t.ok(`query($id: ID!) { incident(id: $id) { timeline { type message } } }`, { id: incident.id });
    expect(assigned.incident.timeline.filter((e: { type: string }) => e.type === 'ASSIGNED').at(-1).message).toBe(
      'Assigned to LC-PARTNER (Centre LC-PARTNER), support tier 2',
    );
    const unknown = await t.gql(`mutation($id: ID!) { assignIncident(id: $id, centreId: "no-such-centre") { id } }`, { id: incident.id });
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    await t.ok(`mutation($id: ID!) { acknowledgeIncident(id: $id) { status } }`, { id: incident.id }, partner);
    expect((await t.ok(`{ incidents { totalCount } }`, {}, partner)).incidents.totalCount).toBe(1);
    expect((await t.ok(`{ incidents { totalCount } }`, {}, otherPartner)).incidents.totalCount).toBe(0);
    const denied = await t.gql(`mutation($id: ID!) { acknowledgeIncident(id: $id) { status } }`, { id: incident.id }, otherPartner);
    expect(denied.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('picks the warranty or the post-warranty plan by the device warranty dates; a device assignment wins', async () => {
    const warrantyPlan = await createContract(t, { plan: CALM_7X24, kind: 'WARRANTY' });
    await assignToCustomer(t, warrantyPlan, w.customerB); // customer B: CALM (post-warranty) and this one (warranty)
    const register = async (serial: string, warrantyEnd: string) =>
      (
        await t.ok(`mutation($i: RegisterDeviceInput!) { registerDevice(input: $i) { id serialNumber } }`, {
          i: { serialNumber: serial, vendor: 'HPE', model: 'DL380', siteId: w.siteB, warrantyStart: '2024-01-01T00:00:00Z', warrantyEnd },
        })
      ).registerDevice;
    const inWarranty = await register(`SN-W-${Date.now()}`, '2099-01-01T00:00:00Z');
    const expired = await register(`SN-X-${Date.now()}`, '2025-01-01T00:00:00Z');
    expect((await report(t, { deviceSerial: inWarranty.serialNumber }, w.keyB)).contractId).toBe(warrantyPlan);
    expect((await report(t, { deviceSerial: expired.serialNumber }, w.keyB)).contractId).toBe(calm);
    const special = await createContract(t, { plan: CALM_7X24, customerId: w.customerB });
    await t.ok(`mutation($c: ID!, $d: ID) { assignContract(contractId: $c, deviceId: $d) { subjectType kind } }`, {
      c: special,
      d: inWarranty.id,
    });
    expect((await report(t, { deviceSerial: inWarranty.serialNumber }, w.keyB)).contractId).toBe(special);
    // Another customer's own contract cannot be assigned to B's device.
    const foreign = await createContract(t, { plan: CALM_7X24, customerId: w.customerA });
    const refused = await t.gql(`mutation($c: ID!, $d: ID) { assignContract(contractId: $c, deviceId: $d) { id } }`, {
      c: foreign,
      d: inWarranty.id,
    });
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('moves the deadlines and timers of open incidents when an operator changes the calendar', async () => {
    // A region of its own with no imported year: plain weekdays, so the test does not depend on today's holidays.
    const plan = { P1: ['PT2H', null, 'P1D'], P2: ['PT2H', null, 'P1D'], P3: ['PT2H', null, 'P1D'], P4: ['PT2H', null, 'P1D'] } as const;
    const workday = await createContract(t, {
      plan: plan as never,
      coverage: 'BUSINESS_HOURS',
      calendarRegion: 'CN-TEST',
      customerId: w.customerA,
    });
    await t.ok(`mutation($c: ID!, $d: ID) { assignContract(contractId: $c, deviceId: $d) { id } }`, { c: workday, d: w.deviceA2.id });
    const incident = await report(t, { deviceSerial: w.deviceA2.serial, severity: 'P2' }, w.keyA);
    const due = clockOf(incident, 'RESPONSE').dueAt as string;
    expect(incident.calendarIncomplete).toBe(true);
    const beijingDate = new Date(Date.parse(due) + 8 * 3600_000).toISOString().slice(0, 10);

    await t.ok(
      `mutation($d: String!) { upsertCalendarDay(input: { region: "CN-TEST", date: $d, kind: HOLIDAY, name: "Company day" }) { date } }`,
      { d: beijingDate },
    );
    const moved = await t.ok(`query($id: ID!) { incident(id: $id) { nextDueAt clocks { kind dueAt } } }`, { id: incident.id });
    const newDue = clockOf(moved.incident, 'RESPONSE').dueAt as string;
    expect(Date.parse(newDue)).toBeGreaterThan(Date.parse(due));
    const preview = await t.ok(
      `query($c: ID!, $at: DateTimeISO!, $s: ID) { slaPreview(contractId: $c, severity: P2, at: $at, siteId: $s) { response { dueAt } } }`,
      {
        c: workday,
        at: incident.reportedAt,
        s: w.siteARemote,
      },
    );
    expect(newDue).toBe(preview.slaPreview.response.dueAt);
    const job = (await t.app.hub.scheduler.pending()).find((j) => j.jobKey.startsWith(`incident:${incident.id}:RESPONSE:BREACH`));
    expect(job?.dueAt.toISOString()).toBe(newDue);

    await t.ok(`mutation($d: String!) { removeCalendarDay(region: "CN-TEST", date: $d) { date } }`, { d: beijingDate });
    const back = await t.ok(`query($id: ID!) { incident(id: $id) { clocks { kind dueAt } } }`, { id: incident.id });
    expect(clockOf(back.incident, 'RESPONSE').dueAt).toBe(due);
  });
});
