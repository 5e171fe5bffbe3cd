import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually, startTestHub, TestHub } from '../support/hub';
import { HubProcess, spawnHubProcess } from '../support/hub-process';
import { ImReceiver, SmtpReceiver, startImReceiver, startSmtpReceiver } from '../support/notify-receivers';
import { assignToCustomer, createContract, createWorld, FAST_7X24, report, sleep } from '../incidents/fixtures';
import { createContact, notificationRows } from './fixtures';

/**
 * Notifications are durable: the hub that recorded them (in the breach's
 * transaction) is killed before sending; the next hub sends each once.
 */
describe('notifications survive a hub killed between the breach and the send', () => {
  let db: TestDatabase;
  let smtp: SmtpReceiver;
  let im: ImReceiver;
  let admin: TestHub | null = null;
  const children: HubProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpReceiver();
    im = await startImReceiver();
  });

  afterAll(async () => {
    for (const child of children) await child.kill();
    await admin?.stop({ drop: false });
    await smtp?.stop();
    await im?.stop();
    await db?.drop();
  });

  it('sends each recorded notification once after the restart', async () => {
    // This in-process hub only sets things up and reads the database: no timers, no sending.
    admin = await startTestHub({
      db,
      env: { SCHEDULER_ENABLED: 'false', NOTIFY_SENDER_ENABLED: 'false', WEBHOOK_ALLOW_TARGET_RANGES: 'loopback' },
    });
    const w = await createWorld(admin);
    await createContact(admin, { level: 'ENGINEER', name: 'Desk Engineer', email: 'engineer@hub.test', language: 'EN' });
    await createContact(admin, {
      level: 'TEAM_LEAD',
      name: '组长',
      email: 'lead@hub.test',
      language: 'ZH_CN',
      imWebhookUrl: `${im.url}/dingtalk/lead`,
      imChannel: 'DINGTALK',
    });
    await createContact(admin, { level: 'TEAM_LEAD', name: 'B lead', email: 'lead@b.test', language: 'EN' }, w.keyB);
    const contract = await createContract(admin, { plan: FAST_7X24 });
    await assignToCustomer(admin, contract, w.customerA);

    const env = {
      DATABASE_URL: db.url,
      MIGRATIONS_RUN: 'false',
      SMTP_URL: smtp.url,
      NOTIFY_POLL_MS: '100',
      WEBHOOK_ALLOW_TARGET_RANGES: 'loopback',
    };
    // Reported before the first hub starts: two processes writing one SQLite file at once may meet SQLITE_BUSY.
    const incident = await report(admin, { deviceSerial: w.deviceA1.serial, severity: 'P4', summary: 'Controller failed' });
    const first = await spawnHubProcess({ ...env, NOTIFY_SENDER_ENABLED: 'false' });
    children.push(first);
    // The first hub's scheduler fires the breach; its escalation records the notifications.
    await eventually(
      () => notificationRows(admin!, incident.id),
      (rows) => rows.filter((r) => r.cause === 'ESCALATION').length === 2,
      15_000,
    );
    await first.kill();
    expect(smtp.mails).toEqual([]);
    expect(im.posts).toEqual([]);

    const second = await spawnHubProcess({ ...env, SCHEDULER_ENABLED: 'false' });
    children.push(second);
    await eventually(
      () => notificationRows(admin!, incident.id),
      (rows) => rows.length > 0 && rows.every((r) => r.status === 'SENT'),
      15_000,
    );
    await sleep(1000); // nothing more may arrive

    const subjects = (address: string) =>
      smtp.mails
        .filter((m) => m.to.includes(address))
        .map((m) => m.subject)
        .sort();
    // The 75 % warning is skipped when the hub fires it after the deadline (a loaded machine): at most one.
    const engineer = subjects('engineer@hub.test');
    expect(engineer.filter((s) => /response deadline missed$/.test(s))).toHaveLength(1);
    expect(engineer.filter((s) => /response deadline in/.test(s)).length).toBeLessThanOrEqual(1);
    expect(engineer.length).toBe(
      (await notificationRows(admin!, incident.id)).filter((r) => r.channel === 'EMAIL' && r.language === 'en').length,
    );
    expect(subjects('lead@hub.test')).toEqual([expect.stringMatching(/已升级至组长$/)]);
    expect(subjects('lead@b.test')).toEqual([]);
    expect(im.posts.map((p) => [p.path, p.body.msgtype])).toEqual([['/dingtalk/lead', 'text']]);
    expect(im.posts[0].body.text.content).toContain('已由工程师升级至组长');
  });
});
