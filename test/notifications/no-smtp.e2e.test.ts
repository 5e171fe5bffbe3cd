import { randomUUID } from 'node:crypto';
import { Notification } from '../../src/modules/notifications/notification.entity';
import { Role } from '../../src/platform/auth/principal';
import { eventually, startTestHub, TestHub } from '../support/hub';
import { ImReceiver, startImReceiver } from '../support/notify-receivers';
import { assignToCustomer, createContract, createWorld, FAST_7X24, report } from '../incidents/fixtures';
import { createContact, notificationRows } from './fixtures';

/** No SMTP server configured: e-mails are recorded as not sent, robots still work, the hub stays ready. */
describe('notifications without SMTP, and contacts of a support centre', () => {
  let t: TestHub;
  let im: ImReceiver;
  beforeAll(async () => {
    im = await startImReceiver();
    t = await startTestHub({ env: { NOTIFY_POLL_MS: '100', WEBHOOK_ALLOW_TARGET_RANGES: 'loopback' } });
  });
  afterAll(async () => {
    await t?.stop();
    await im?.stop();
  });

  it('records e-mails as NOT_SENT with the reason, sends robot messages, /readyz stays 200', async () => {
    const w = await createWorld(t);
    await createContact(t, {
      level: 'ENGINEER',
      name: 'Desk',
      email: 'desk@hub.test',
      language: 'EN',
      imWebhookUrl: `${im.url}/generic/desk`,
      imChannel: 'GENERIC',
    });
    const contract = await createContract(t, { plan: FAST_7X24 });
    await assignToCustomer(t, contract, w.customerA);
    const incident = await report(t, { deviceSerial: w.deviceA1.serial, severity: 'P4' });
    const rows = await eventually(
      () => notificationRows(t, incident.id),
      (r) => r.some((n) => n.cause === 'BREACH') && r.every((n) => n.status !== 'PENDING' && n.status !== 'SENDING'),
      15_000,
    );
    const breach = rows.filter((n) => n.cause === 'BREACH');
    expect(breach.map((n) => [n.channel, n.status]).sort()).toEqual([
      ['EMAIL', 'NOT_SENT'],
      ['IM', 'SENT'],
    ]);
    const view = await t.ok(`query($id: ID!) { incident(id: $id) { notifications { cause channel status lastError } } }`, {
      id: incident.id,
    });
    expect(
      view.incident.notifications.find((n: Record<string, string>) => n.cause === 'BREACH' && n.channel === 'EMAIL').lastError,
    ).toMatch(/SMTP_URL/);
    expect(im.posts.find((p) => p.body.title.includes('response deadline missed'))?.path).toBe('/generic/desk');
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });

  it("a partner key manages its own centre's contacts, and nobody touches another tenant's", async () => {
    const centre = (
      await t.ok(`mutation($i: CreateSupportCentreInput!) { createSupportCentre(input: $i) { id } }`, {
        i: { code: `T3-${Date.now().toString(36).toUpperCase()}`, name: 'OEM centre', region: 'CN-EAST', tier: 3 },
      })
    ).createSupportCentre.id as string;
    const partner = await t.createKey(Role.PARTNER, centre);
    const own = await createContact(t, { level: 'TEAM_LEAD', name: 'Centre lead', email: 'lead@centre.test', language: 'ZH_CN' }, partner);
    expect(own.centreId).toBe(centre);
    const w = await createWorld(t);
    const customers = await createContact(t, { level: 'ENGINEER', name: 'A eng', email: 'eng@a.test', language: 'EN' }, w.keyA);

    const listed = await t.ok(`{ contacts { id } }`, {}, partner);
    expect(listed.contacts.map((c: { id: string }) => c.id)).toEqual([own.id]);
    for (const [key, id] of [
      [partner, customers.id],
      [w.keyB, customers.id],
      [w.keyA, own.id],
    ] as const) {
      const update = await t.gql(`mutation($id: ID!) { updateContact(id: $id, input: { name: "taken over" }) { id } }`, { id }, key);
      expect(update.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const remove = await t.gql(`mutation($id: ID!) { deleteContact(id: $id) }`, { id }, key);
      expect(remove.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
    const plan = await t.gql(
      `mutation($i: EscalationPlanInput!) { setEscalationPlan(input: $i) { id } }`,
      { i: { contractId: 'x' } },
      w.keyA,
    );
    expect(plan.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const renamed = await t.ok(
      `mutation($id: ID!) { updateContact(id: $id, input: { language: EN, onDutyHours: "09:00-18:00" }) { language onDutyHours } }`,
      { id: own.id },
      partner,
    );
    expect(renamed.updateContact).toEqual({ language: 'EN', onDutyHours: '09:00-18:00' });
    expect((await t.ok(`mutation($id: ID!) { deleteContact(id: $id) }`, { id: customers.id }, w.keyA)).deleteContact).toBe(true);
    expect((await t.ok(`{ contacts { id } }`, {}, w.keyA)).contacts).toEqual([]);
  });

  it('a message a dead sender left half-sent goes out once its lease is over', async () => {
    const id = randomUUID();
    const past = new Date(Date.now() - 60_000);
    await t.app.hub.db.manager.insert(Notification, {
      id,
      causeKey: `test:${id}`,
      cause: 'BREACH',
      incidentId: null,
      contactId: randomUUID(),
      recipientCustomerId: null,
      recipientCentreId: null,
      recipientName: 'Desk',
      channel: 'IM',
      address: `${im.url}/generic/abandoned`,
      imChannel: 'GENERIC',
      language: 'en',
      subject: 'left behind',
      body: 'by a killed hub',
      status: 'SENDING',
      attempts: 0,
      nextAttemptAt: past,
      lockedUntil: past,
      lastError: null,
      createdAt: past,
      sentAt: null,
    } as never);
    const row = await eventually(
      () => t.app.hub.db.manager.findOneByOrFail(Notification, { id }),
      (n) => n.status === 'SENT',
      10_000,
    );
    expect(row.attempts).toBe(1);
    expect(im.posts.filter((p) => p.path === '/generic/abandoned').map((p) => p.body.title)).toEqual(['left behind']);
  });
});
