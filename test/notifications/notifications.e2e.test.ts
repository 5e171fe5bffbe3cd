import { eventually, startTestHub, TestHub } from '../support/hub';
import { ImReceiver, SmtpReceiver, startImReceiver, startSmtpReceiver } from '../support/notify-receivers';
import { assignToCustomer, createContract, createWorld, FAST_7X24, report, sleep, World } from '../incidents/fixtures';
import { createContact, notificationRows } from './fixtures';

/**
 * A breach and the escalation it causes reach the right people, in their
 * language, once each, by e-mail (real SMTP server) and IM robot (real HTTP
 * server); another customer's contacts hear nothing.
 */
describe('notifications on breach and escalation', () => {
  let smtp: SmtpReceiver;
  let im: ImReceiver;
  let t: TestHub;
  let w: World;
  let people: Record<string, Record<string, any>>;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    im = await startImReceiver();
    t = await startTestHub({
      env: { SMTP_URL: smtp.url, NOTIFY_POLL_MS: '100', NOTIFY_RETRY_BASE_MS: '200', WEBHOOK_ALLOW_TARGET_RANGES: 'loopback' },
    });
    w = await createWorld(t);
    people = {
      deskEngineer: await createContact(t, { level: 'ENGINEER', name: 'Desk Engineer', email: 'desk.engineer@hub.test', language: 'EN' }),
      deskLead: await createContact(t, {
        level: 'TEAM_LEAD',
        name: '值班组长',
        email: 'desk.lead@hub.test',
        language: 'ZH_CN',
        imWebhookUrl: `${im.url}/wecom/desk-lead?key=secret-token`,
        imChannel: 'WECOM',
      }),
      deskDirector: await createContact(t, { level: 'DIRECTOR', name: 'Desk Director', email: 'desk.director@hub.test', language: 'EN' }),
      // Each customer manages its own contacts with its own key.
      customerALead: await createContact(t, { level: 'TEAM_LEAD', name: 'A 运维组长', email: 'lead@a.test', language: 'ZH_CN' }, w.keyA),
      customerBLead: await createContact(
        t,
        {
          level: 'TEAM_LEAD',
          name: 'B lead',
          email: 'lead@b.test',
          language: 'EN',
          imWebhookUrl: `${im.url}/feishu/b-lead`,
          imChannel: 'FEISHU',
        },
        w.keyB,
      ),
    };
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    await smtp?.stop();
    await im?.stop();
  });

  const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));

  it('a customer key creates contacts for its own organisation only', async () => {
    expect(people.customerALead.customerId).toBe(w.customerA);
    const foreign = await t.gql(
      `mutation($i: CreateContactInput!) { createContact(input: $i) { id } }`,
      {
        i: { customerId: w.customerB, level: 'ENGINEER', name: 'intruder', language: 'EN' },
      },
      w.keyA,
    );
    expect(foreign.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const listed = await t.ok(`{ contacts { id customerId } }`, {}, w.keyA);
    expect(listed.contacts.map((c: { id: string }) => c.id)).toEqual([people.customerALead.id]);
    const bad = await t.gql(`mutation($i: CreateContactInput!) { createContact(input: $i) { id } }`, {
      i: { level: 'ENGINEER', name: 'x', language: 'EN', email: 'not-an-address', imWebhookUrl: 'ftp://robot' },
    });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((bad.errors?.[0].extensions?.validation as Array<{ field: string }>).map((p) => p.field).sort()).toEqual([
      'email',
      'imChannel',
      'imWebhookUrl',
    ]);
    expect(people.deskLead.imWebhookHost).toBe(new URL(im.url).host);
  });

  it('tells the level that missed the deadline, then the level reached, in their language, once each', async () => {
    const contract = await createContract(t, { plan: FAST_7X24 });
    await assignToCustomer(t, contract, w.customerA);
    const incident = await report(t, { deviceSerial: w.deviceA1.serial, severity: 'P4', summary: 'PSU failed' });

    // Breach → ENGINEER level told; escalation to TEAM_LEAD → the desk's and customer A's team leads.
    await eventually(
      () => Promise.resolve(mailsTo('lead@a.test').length + mailsTo('desk.lead@hub.test').length + im.posts.length),
      (n) => n >= 3,
      15_000,
    );
    await t.ok(`mutation($id: ID!) { acknowledgeIncident(id: $id) { id } }`, { id: incident.id });
    await eventually(
      () => notificationRows(t, incident.id),
      (rows) => rows.every((r) => r.status === 'SENT'),
      10_000,
    );
    await sleep(1000); // nothing more may arrive

    const engineerMails = mailsTo('desk.engineer@hub.test');
    expect(engineerMails.map((m) => m.subject).sort()).toEqual([
      expect.stringMatching(/^\[P4\] .*: response deadline in /),
      expect.stringMatching(/^\[P4\] .*: response deadline missed$/),
    ]);
    expect(engineerMails.every((m) => m.language === 'en')).toBe(true);
    expect(engineerMails.find((m) => m.subject.includes('missed'))!.text).toContain('PSU failed');

    for (const address of ['desk.lead@hub.test', 'lead@a.test']) {
      const mails = mailsTo(address);
      expect(mails).toHaveLength(1);
      expect(mails[0].subject).toMatch(/已升级至组长$/);
      expect(mails[0].text).toContain('已由工程师升级至组长');
      expect(mails[0].language).toBe('zh-CN');
    }
    expect(im.posts).toHaveLength(1);
    expect(im.posts[0].path).toBe('/wecom/desk-lead?key=secret-token');
    expect(im.posts[0].body).toMatchObject({ msgtype: 'text', text: { content: expect.stringContaining('已升级至组长') } });

    // Never: another customer's lead, the director (not reached), the ENGINEER level for the escalation.
    expect(mailsTo('lead@b.test')).toEqual([]);
    expect(im.posts.filter((p) => p.path.includes('b-lead'))).toEqual([]);
    expect(mailsTo('desk.director@hub.test')).toEqual([]);

    // The incident's timeline shows each message and its delivery state; customer A sees only those to its own people.
    const query = `query($id: ID!) { incident(id: $id) { notifications { cause channel status recipientName recipientAddress language attempts sentAt } } }`;
    const staffView = (await t.ok(query, { id: incident.id })).incident.notifications as Array<Record<string, any>>;
    expect(staffView.map((n) => `${n.cause}:${n.recipientName}:${n.channel}`).sort()).toEqual(
      [
        'BREACH_WARNING:Desk Engineer:EMAIL',
        'BREACH:Desk Engineer:EMAIL',
        'ESCALATION:值班组长:EMAIL',
        'ESCALATION:值班组长:IM',
        'ESCALATION:A 运维组长:EMAIL',
      ].sort(),
    );
    expect(staffView.every((n) => n.status === 'SENT' && n.sentAt && n.attempts === 1)).toBe(true);
    expect(staffView.find((n) => n.channel === 'IM')!.recipientAddress).toBe(new URL(im.url).host);
    const customerView = (await t.ok(query, { id: incident.id }, w.keyA)).incident.notifications as Array<Record<string, any>>;
    expect(customerView.map((n) => `${n.cause}:${n.recipientName}`)).toEqual(['ESCALATION:A 运维组长']);
    const other = await t.gql(query, { id: incident.id }, w.keyB);
    expect(other.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('an IM robot that is down is retried with back-off until it answers', async () => {
    const contract = await createContract(t, { plan: FAST_7X24 });
    await assignToCustomer(t, contract, w.customerB);
    const before = im.posts.length;
    im.failNext(2);
    const incident = await report(t, { deviceSerial: w.deviceB1.serial, severity: 'P4', summary: 'Fan failed' });
    const rows = await eventually(
      () => notificationRows(t, incident.id),
      (r) => r.filter((n) => n.channel === 'IM' && n.status === 'SENT').length === 2,
      20_000,
    );
    // The desk lead's WeCom robot and customer B's lead's Feishu robot: two refusals between them, then each once.
    const imRows = rows.filter((n) => n.channel === 'IM');
    expect(imRows.reduce((sum, n) => sum + Number(n.attempts), 0)).toBe(4);
    await sleep(500);
    const posts = im.posts.slice(before);
    expect(posts.map((p) => p.path.split('?')[0]).sort()).toEqual(['/feishu/b-lead', '/wecom/desk-lead']);
    const feishu = posts.find((p) => p.path === '/feishu/b-lead')!;
    expect(feishu.body).toMatchObject({ msg_type: 'text', content: { text: expect.stringContaining('escalated to team lead') } });
    expect(rows.map((r) => r.contactId)).not.toContain(people.customerALead.id);
  });

  it("a complaint without a first reply in time reaches the desk at the level it reached; an EOL notice reaches the customer's contacts only", async () => {
    await t.ok(`mutation($i: ComplaintPolicyInput!) { setComplaintPolicy(input: $i) { firstReplyTarget } }`, {
      i: { customerId: w.customerA, firstReply: 'PT1S', resolution: 'PT1H' },
    });
    const complaint = (
      await t.ok(
        `mutation($i: FileComplaintInput!) { fileComplaint(input: $i) { id } }`,
        { i: { category: 'RESPONSE_SPEED', summary: 'Nobody called back' } },
        w.keyA,
      )
    ).fileComplaint;
    const complaintMails = () => Promise.resolve(smtp.mails.filter((m) => m.subject.includes(complaint.id.slice(0, 8))));
    const [mail] = await eventually(complaintMails, (m) => m.length > 0, 10_000);
    expect(mail.to).toEqual(['desk.lead@hub.test']);
    expect(mail.subject).toBe(`投诉 ${complaint.id.slice(0, 8)}：首次答复超时`);

    const before = smtp.mails.length;
    await t.ok(
      `mutation($ids: [ID!]!) { publishNotice(input: { customerIds: $ids, kind: END_OF_LIFE, title: "PowerEdge R740 PSU", body: "Orders close on 2027-06-30." }) { id } }`,
      {
        ids: [w.customerA],
      },
    );
    const eol = await eventually(
      () => Promise.resolve(smtp.mails.slice(before).filter((m) => m.subject.includes('PowerEdge R740 PSU'))),
      (m) => m.length > 0,
      10_000,
    );
    await sleep(500);
    expect(
      smtp.mails
        .slice(before)
        .filter((m) => m.subject.includes('PowerEdge R740 PSU'))
        .map((m) => m.to),
    ).toEqual([['lead@a.test']]);
    expect(eol[0].subject).toBe('停产通知：PowerEdge R740 PSU');
    expect(eol[0].text).toContain('Orders close on 2027-06-30.');
    expect((await complaintMails()).length).toBe(1);
  });
});
