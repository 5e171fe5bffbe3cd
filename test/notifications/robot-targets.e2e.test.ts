import { postToImRobot } from '../../src/modules/notifications/channels/im-robot';
import { startTestHub, TestHub } from '../support/hub';
import { ImReceiver, startImReceiver } from '../support/notify-receivers';
import { createContact } from './fixtures';

/**
 * IM robot URLs go through the same outbound target guard as webhooks (WEBHOOK_ALLOW_TARGET_RANGES):
 * refused when the contact is saved, and again when a message is sent (the name may resolve elsewhere by then).
 */
describe('IM robot targets', () => {
  let t: TestHub;
  let im: ImReceiver;
  beforeAll(async () => {
    im = await startImReceiver();
    t = await startTestHub({ env: { NOTIFY_SENDER_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await t?.stop();
    await im?.stop();
  });

  it('refuses a contact whose robot URL points at loopback, link-local or private addresses', async () => {
    for (const url of [`${im.url}/wecom/x`, 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.7/robot', 'http://localhost:9/r']) {
      const r = await t.gql(`mutation($i: CreateContactInput!) { createContact(input: $i) { id } }`, {
        i: { level: 'ENGINEER', name: 'robot', language: 'EN', imWebhookUrl: url, imChannel: 'WECOM' },
      });
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'imWebhookUrl', reason: 'TARGET_NOT_ALLOWED' });
    }
    const ok = await createContact(t, { level: 'ENGINEER', name: 'mail only', language: 'EN', email: 'a@hub.test' });
    const moved = await t.gql(`mutation($id: ID!, $i: UpdateContactInput!) { updateContact(id: $id, input: $i) { id } }`, {
      id: ok.id,
      i: { imWebhookUrl: `${im.url}/feishu/y`, imChannel: 'FEISHU' },
    });
    expect(moved.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'imWebhookUrl' });
  });

  it('checks the address again at send time, by IP literal and through DNS', async () => {
    const message = { subject: 's', body: 'b' };
    await expect(postToImRobot(`${im.url}/generic/a`, 'GENERIC', message, { timeoutMs: 2000, allowedRanges: [] })).rejects.toThrow(
      /refused target/,
    );
    const viaDns = im.url.replace('127.0.0.1', 'localhost');
    await expect(postToImRobot(`${viaDns}/generic/b`, 'GENERIC', message, { timeoutMs: 2000, allowedRanges: [] })).rejects.toThrow(
      /refused target/,
    );
    expect(im.posts).toHaveLength(0);
    await postToImRobot(`${im.url}/generic/c`, 'GENERIC', message, { timeoutMs: 2000, allowedRanges: ['loopback'] });
    expect(im.posts.map((p) => p.path)).toEqual(['/generic/c']);
  });
});
