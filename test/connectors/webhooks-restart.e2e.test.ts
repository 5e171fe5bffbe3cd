/**
 * The hub is killed (SIGKILL) while deliveries are being retried, and started again:
 * nothing is lost, and each incident's events still arrive in order.
 */
import { EventEnvelope, makeEnvelope } from '../../src/platform/kafka/event-bus';
import { createTestDatabase } from '../support/database';
import { eventually, startTestHub } from '../support/hub';
import { spawnHubProcess } from '../support/hub-process';
import { startReceiver } from './webhook-receiver';

const WEBHOOK_ENV = {
  WEBHOOK_ALLOW_TARGET_RANGES: 'loopback',
  WEBHOOK_RETRY_BASE_MS: '200',
  WEBHOOK_RETRY_MAX_MS: '600',
  WEBHOOK_POLL_MS: '50',
  INSTANCE_ID: 'webhook-restart-test',
};

describe('webhook delivery across a hub crash', () => {
  it('the hub killed mid-retry and restarted delivers every event, in order per incident', async () => {
    const db = await createTestDatabase();
    const receiver = await startReceiver();
    receiver.mode = 'down';
    // Set-up hub: creates the endpoint and writes the events through the outbox; it does not deliver.
    const setup = await startTestHub({ db, env: { ...WEBHOOK_ENV, WEBHOOK_WORKER_ENABLED: 'false' } });
    const created = (
      await setup.ok(`mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret endpoint { id } } }`, {
        i: { url: receiver.url, eventTypes: ['incident.*'] },
      })
    ).createWebhookEndpoint;
    receiver.secrets.push(created.secret);
    const events: EventEnvelope[] = [];
    for (let step = 1; step <= 4; step++)
      for (const incidentId of ['inc-k1', 'inc-k2'])
        events.push(makeEnvelope({ type: 'IncidentEscalated', key: incidentId, source: 'hub', payload: { incidentId, step } }));
    await setup.app.hub.db.transaction((tx) => setup.app.hub.outbox.enqueue(tx, setup.app.hub.config.kafka.topics.hubEvents, events));
    const adminKey = setup.adminKey;
    await setup.stop({ drop: false });

    const attempts = async (url: string) => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        body: JSON.stringify({
          query: `query($e: ID!) { webhookDeliveries(endpointId: $e) { totalCount } }`,
          variables: { e: created.endpoint.id },
        }),
      });
      return ((await response.json()) as { data: { webhookDeliveries: { totalCount: number } } }).data.webhookDeliveries.totalCount;
    };

    let hub = await spawnHubProcess({ DATABASE_URL: db.url, MIGRATIONS_RUN: 'false', ...WEBHOOK_ENV });
    try {
      await eventually(
        () => attempts(hub.url),
        (n) => n >= 4,
        20_000,
      );
      await hub.kill();
      const failedBeforeKill = receiver.requests.length;
      expect(failedBeforeKill).toBeGreaterThanOrEqual(4);
      expect(receiver.accepted()).toHaveLength(0);

      receiver.mode = 'up';
      hub = await spawnHubProcess({ DATABASE_URL: db.url, MIGRATIONS_RUN: 'false', ...WEBHOOK_ENV });
      await eventually(
        async () => new Set(receiver.accepted().map((r) => r.id)).size,
        (n) => n === events.length,
        20_000,
      );
      const accepted = receiver.accepted();
      expect(accepted.map((r) => r.id).sort()).toEqual(events.map((e) => e.eventId).sort());
      expect(accepted.every((r) => r.verifiedBy === 0)).toBe(true);
      for (const key of ['inc-k1', 'inc-k2'])
        expect(accepted.filter((r) => r.key === key).map((r) => r.payload.step)).toEqual([1, 2, 3, 4]);
    } finally {
      await hub.stop();
      await receiver.close();
      await db.drop();
    }
  }, 90_000);
});
