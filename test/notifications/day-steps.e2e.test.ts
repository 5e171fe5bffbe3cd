import { eventually, startTestHub, TestHub } from '../support/hub';
import { SmtpReceiver, startSmtpReceiver } from '../support/notify-receivers';
import { assignToCustomer, CALM_7X24, createContract, createWorld, report, sleep } from '../incidents/fixtures';
import { createContact, setPlan } from './fixtures';

const LEVELS = ['ENGINEER', 'TEAM_LEAD', 'SERVICE_MANAGER', 'DIRECTOR'];

async function steps(t: TestHub, incidentId: string): Promise<Array<{ fromValue: string; toValue: string; at: Date; jobKey: string }>> {
  const rows: Array<{ fromValue: string; toValue: string; at: string | Date; jobKey: string }> = await t.app.hub.db.dataSource.query(
    `SELECT fromValue, toValue, at, jobKey FROM incident_escalations WHERE incidentId = ? AND \`trigger\` = 'UNRESOLVED_PERIOD' ORDER BY seq`,
    [incidentId],
  );
  return rows.map((r) => ({ ...r, at: new Date(typeof r.at === 'string' && !r.at.endsWith('Z') ? `${r.at.replace(' ', 'T')}Z` : r.at) }));
}

/**
 * Day-based step escalation with a PT3S period: an unresolved incident climbs
 * one level per period until the top, exactly once per step with two hubs on
 * one database, and every level reached is told once.
 */
describe('day-based step escalation', () => {
  let smtp: SmtpReceiver;
  let a: TestHub;
  let b: TestHub;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    const env = { SMTP_URL: smtp.url, NOTIFY_POLL_MS: '100' };
    a = await startTestHub({ env: { ...env, INSTANCE_ID: 'hub-a' } });
    b = await startTestHub({ db: a.db, env: { ...env, INSTANCE_ID: 'hub-b' } });
  }, 60_000);

  afterAll(async () => {
    await b?.stop({ drop: false });
    await a?.stop();
    await smtp?.stop();
  });

  it('climbs one level per period, once per step across two hubs, stops at the top; a restored incident stays', async () => {
    const w = await createWorld(a);
    for (const level of LEVELS)
      await createContact(a, { level, name: `Desk ${level}`, email: `${level.toLowerCase()}@hub.test`, language: 'EN' });
    const contract = await createContract(a, { plan: CALM_7X24 });
    await assignToCustomer(a, contract, w.customerA);
    const plan = await setPlan(a, { contractId: contract, stepAfter: 'PT3S', stepDays: 'CALENDAR' });
    expect(plan).toMatchObject({ stepAfter: 'PT3S', stepDays: 'CALENDAR' });

    const open = await report(a, { deviceSerial: w.deviceA1.serial, severity: 'P3', summary: 'Array degraded' });
    const restored = await report(b, { deviceSerial: w.deviceA1.serial, severity: 'P3', summary: 'Fixed quickly' });
    for (const to of ['ACKNOWLEDGED', 'IN_PROGRESS', 'RESTORED'])
      await b.ok(`mutation($id: ID!, $to: IncidentStatus!) { transitionIncident(id: $id, to: $to) { id } }`, { id: restored.id, to });

    await eventually(
      () => steps(a, open.id),
      (s) => s.length >= 3,
      20_000,
      200,
    );
    await sleep(4000); // one more period: nothing above DIRECTOR

    const taken = await steps(a, open.id);
    expect(taken.map((s) => `${s.fromValue}→${s.toValue}`)).toEqual([
      'ENGINEER→TEAM_LEAD',
      'TEAM_LEAD→SERVICE_MANAGER',
      'SERVICE_MANAGER→DIRECTOR',
    ]);
    // Step n is due n periods after the report, never earlier.
    const reportedAt = new Date(open.reportedAt).getTime();
    taken.forEach((s, i) => expect(s.at.getTime()).toBeGreaterThanOrEqual(reportedAt + (i + 1) * 3000));
    expect(new Set(taken.map((s) => s.jobKey)).size).toBe(3);
    const jobs: Array<{ status: string; n: number | string }> = await a.app.hub.db.dataSource.query(
      `SELECT status, COUNT(*) AS n FROM scheduled_jobs WHERE jobKey LIKE ? GROUP BY status`,
      [`incident-step:${open.id}:%`],
    );
    expect(jobs.map((j) => [j.status, Number(j.n)])).toEqual([['DONE', 3]]);
    const incident = await a.ok(`query($id: ID!) { incident(id: $id) { managementLevel } }`, { id: open.id });
    expect(incident.incident.managementLevel).toBe('DIRECTOR');

    // Each level reached is told once; the engineer (where it started) hears nothing of the steps.
    for (const level of LEVELS.slice(1)) {
      const mails = smtp.mails.filter((m) => m.to.includes(`${level.toLowerCase()}@hub.test`));
      expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(/escalated to/)]);
      expect(mails[0].text).toContain('unresolved for');
    }
    expect(smtp.mails.filter((m) => m.to.includes('engineer@hub.test'))).toEqual([]);

    expect(await steps(a, restored.id)).toEqual([]);
    const quiet = await a.ok(`query($id: ID!) { incident(id: $id) { managementLevel } }`, { id: restored.id });
    expect(quiet.incident.managementLevel).toBe('ENGINEER');
  });

  it('refuses a period in working days that is not whole days, and an unknown contact', async () => {
    const contract = await createContract(a, { plan: CALM_7X24 });
    const r = await a.gql(`mutation($i: EscalationPlanInput!) { setEscalationPlan(input: $i) { id } }`, {
      i: { contractId: contract, stepAfter: 'PT12H', stepDays: 'WORKING' },
    });
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stepAfter' });
    const unknown = await a.gql(`mutation($i: EscalationPlanInput!) { setEscalationPlan(input: $i) { id } }`, {
      i: { contractId: contract, levels: [{ level: 'DIRECTOR', contactIds: ['00000000-0000-4000-8000-000000000000'] }] },
    });
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
