import { Role } from '../../src/platform/auth/principal';
import { EventEnvelope, makeEnvelope } from '../../src/platform/kafka/event-bus';
import { eventually, startTestHub, TestHub } from '../support/hub';
import { startReceiver, Receiver } from './webhook-receiver';

const CREATE = `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret endpoint { id ownerRole ownerScopeId enabled eventTypes } } }`;
const ATTEMPTS = `query($e: ID!) { webhookDeliveries(endpointId: $e, first: 100) { totalCount edges { node { eventId statusCode latencyMs succeeded error attempt } } } }`;
const ENDPOINT = `{ webhookEndpoints { id enabled disabledReason failingSince } }`;

describe('outbound webhooks', () => {
  let t: TestHub;
  const receivers: Receiver[] = [];
  let customerA: string;
  let customerB: string;

  beforeAll(async () => {
    t = await startTestHub({
      env: {
        WEBHOOK_ALLOW_TARGET_RANGES: 'loopback',
        WEBHOOK_RETRY_BASE_MS: '100',
        WEBHOOK_RETRY_MAX_MS: '400',
        WEBHOOK_POLL_MS: '50',
        WEBHOOK_DISABLE_AFTER: 'PT3S',
        WEBHOOK_TIMEOUT_MS: '1500',
      },
    });
    const customer = async (code: string) =>
      (await t.ok(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }`, { i: { code, name: code } })).createCustomer
        .id as string;
    customerA = await customer('WH-A');
    customerB = await customer('WH-B');
  });
  afterAll(async () => {
    for (const r of receivers) await r.close();
    await t.stop();
  });

  const receiver = async () => {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  };
  const endpoint = async (r: Receiver, input: Record<string, unknown>, key?: string) => {
    const created = (await t.ok(CREATE, { i: { url: r.url, ...input } }, key)).createWebhookEndpoint;
    r.secrets.push(created.secret);
    return created;
  };
  /** Hub events written through the outbox exactly as the modules write them. */
  const emit = (events: EventEnvelope[]) =>
    t.app.hub.db.transaction((tx) => t.app.hub.outbox.enqueue(tx, t.app.hub.config.kafka.topics.hubEvents, events));
  const escalated = (incidentId: string, customerId: string, step: number) =>
    makeEnvelope({
      type: 'IncidentEscalated',
      key: incidentId,
      source: 'hub',
      payload: { incidentId, customerId, assignedCentreId: null, kind: 'RAISE_SEVERITY', step },
    });

  it('refuses URLs that resolve to private, link-local or (unless allowed) loopback addresses', async () => {
    for (const url of [
      'http://10.0.0.7/hook',
      'http://192.168.1.20/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[fd00::1]/x',
      'ftp://example.com/x',
    ]) {
      const r = await t.gql(CREATE, { i: { url, eventTypes: ['*'] } });
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const r = await t.gql(CREATE, { i: { url: 'http://10.0.0.7/hook', eventTypes: ['*'] } });
    expect(r.errors?.[0]?.extensions?.reason).toBe('TARGET_NOT_ALLOWED');
    const badPattern = await t.gql(CREATE, { i: { url: 'http://127.0.0.1:9/x', eventTypes: ['incident'] } });
    expect(badPattern.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("delivers signed events, each tenant only its own; a tenant key cannot create endpoints for another's scope", async () => {
    const keyA = await t.createKey(Role.CUSTOMER, customerA);
    const [ra, rb, radmin] = [await receiver(), await receiver(), await receiver()];
    const a = await endpoint(ra, { eventTypes: ['incident.*'] }, keyA);
    expect(a.secret).toMatch(/^whsec_/);
    expect(a.endpoint).toMatchObject({ ownerRole: 'CUSTOMER', ownerScopeId: customerA, enabled: true });
    await endpoint(rb, { eventTypes: ['incident.*'], ownerRole: 'CUSTOMER', ownerScopeId: customerB });
    await endpoint(radmin, { eventTypes: ['*'] });
    const other = await t.gql(CREATE, { i: { url: ra.url, eventTypes: ['*'], ownerRole: 'CUSTOMER', ownerScopeId: customerB } }, keyA);
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    await emit([
      escalated('inc-a-1', customerA, 1),
      escalated('inc-b-1', customerB, 1),
      makeEnvelope({ type: 'RmaRequested', key: 'RMA-X', source: 'hub', payload: { rmaNumber: 'RMA-X', customerId: customerA } }),
    ]);
    await eventually(
      async () => radmin.accepted().length,
      (n) => n === 3,
    );
    await eventually(
      async () => ra.accepted().length + rb.accepted().length,
      (n) => n === 2,
    );
    expect(ra.accepted().map((r) => r.key)).toEqual(['inc-a-1']);
    expect(rb.accepted().map((r) => r.key)).toEqual(['inc-b-1']);
    expect([...ra.requests, ...rb.requests, ...radmin.requests].every((r) => r.verifiedBy === 0)).toBe(true);
    expect(
      radmin
        .accepted()
        .map((r) => r.type)
        .sort(),
    ).toEqual(['IncidentEscalated', 'IncidentEscalated', 'RmaRequested']);

    const mine = await t.ok(`{ webhookEndpoints { id ownerScopeId } }`, {}, keyA);
    expect(mine.webhookEndpoints).toEqual([{ id: a.endpoint.id, ownerScopeId: customerA }]);
  });

  it('receiver down, then up: every event is delivered once per id, in order per incident; a dead endpoint does not hold back another', async () => {
    const flaky = await receiver();
    const dead = await receiver();
    const healthy = await receiver();
    const e = await endpoint(flaky, { eventTypes: ['incident.*'], ownerRole: 'CUSTOMER', ownerScopeId: customerA });
    await endpoint(dead, { eventTypes: ['incident.*'], ownerRole: 'CUSTOMER', ownerScopeId: customerA });
    await endpoint(healthy, { eventTypes: ['incident.*'], ownerRole: 'CUSTOMER', ownerScopeId: customerA });
    flaky.mode = 'down';
    dead.mode = 'hang';
    const incidents = ['inc-1', 'inc-2', 'inc-3'];
    const sent: EventEnvelope[] = [];
    for (let step = 1; step <= 5; step++) {
      const batch = incidents.map((id) => escalated(id, customerA, step));
      sent.push(...batch);
      await emit(batch);
    }
    await eventually(
      async () => healthy.accepted().length,
      (n) => n === 15,
    );
    expect(dead.accepted()).toHaveLength(0);
    await eventually(
      async () => flaky.requests.filter((r) => r.status === 503).length,
      (n) => n >= 6,
    );
    flaky.mode = 'up';
    await eventually(
      async () => new Set(flaky.accepted().map((r) => r.id)).size,
      (n) => n === 15,
      15_000,
    );

    const accepted = flaky.accepted();
    expect(accepted.map((r) => r.id).sort()).toEqual(sent.map((s) => s.eventId).sort());
    expect(accepted).toHaveLength(15);
    for (const id of incidents) expect(accepted.filter((r) => r.key === id).map((r) => r.payload.step)).toEqual([1, 2, 3, 4, 5]);
    for (const r of [flaky, healthy])
      for (const id of incidents)
        expect(r.requests.filter((x) => x.key === id).map((x) => x.payload.step)).toEqual(
          [...r.requests.filter((x) => x.key === id).map((x) => x.payload.step)].sort(),
        );

    const log = (await t.ok(ATTEMPTS, { e: e.endpoint.id })).webhookDeliveries;
    const failed = log.edges.map((x: { node: any }) => x.node).filter((n: { succeeded: boolean }) => !n.succeeded);
    expect(failed.length).toBeGreaterThanOrEqual(6);
    expect(failed[0]).toMatchObject({ statusCode: 503, error: 'HTTP 503' });
    expect(failed[0].latencyMs).toBeGreaterThanOrEqual(0);
    dead.mode = 'up';
  });

  it('an endpoint failing longer than WEBHOOK_DISABLE_AFTER is disabled with a notice to its owner; enabling resumes in order', async () => {
    const keyB = await t.createKey(Role.CUSTOMER, customerB);
    const r = await receiver();
    const e = await endpoint(r, { eventTypes: ['incident.*'] }, keyB);
    r.mode = 'down';
    await emit([escalated('inc-d', customerB, 1), escalated('inc-d', customerB, 2)]);
    const disabled = await eventually(
      async () => (await t.ok(ENDPOINT, {}, keyB)).webhookEndpoints.find((x: { id: string }) => x.id === e.endpoint.id),
      (x) => x.enabled === false,
      15_000,
    );
    expect(disabled.disabledReason).toMatch(/failing since .*HTTP 503/);
    const notices = await t.ok(`{ notices(first: 10) { title body } }`, {}, keyB);
    expect(notices.notices.map((n: { title: string }) => n.title)).toContain('Webhook endpoint disabled');

    r.mode = 'up';
    const attemptsBefore = r.requests.length;
    await emit([escalated('inc-d', customerB, 3)]);
    // Disabled: nothing goes out, the events are kept.
    expect(
      (await t.ok(ATTEMPTS, { e: e.endpoint.id }, keyB)).webhookDeliveries.edges.every(
        (x: { node: { succeeded: boolean } }) => !x.node.succeeded,
      ),
    ).toBe(true);
    const enabled = await t.ok(
      `mutation($id: ID!) { enableWebhookEndpoint(id: $id) { enabled failingSince } }`,
      { id: e.endpoint.id },
      keyB,
    );
    expect(enabled.enableWebhookEndpoint).toEqual({ enabled: true, failingSince: null });
    await eventually(
      async () => r.accepted().length,
      (n) => n === 3,
    );
    expect(r.requests.length).toBeGreaterThan(attemptsBefore);
    expect(r.accepted().map((x) => x.payload.step)).toEqual([1, 2, 3]);
  });

  it('rotateWebhookSecret signs with the new and the old secret during the overlap; replay sends delivered events again', async () => {
    const r = await receiver();
    const e = await endpoint(r, { eventTypes: ['incident.IncidentEscalated'] });
    const since = new Date(Date.now() - 1000).toISOString();
    await emit([escalated('inc-r', customerA, 1)]);
    await eventually(
      async () => r.accepted().length,
      (n) => n === 1,
    );
    const rotated = (
      await t.ok(`mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { previousSecretExpiresAt } } }`, {
        id: e.endpoint.id,
      })
    ).rotateWebhookSecret;
    expect(rotated.secret).not.toBe(r.secrets[0]);
    expect(rotated.endpoint.previousSecretExpiresAt).not.toBeNull();
    await emit([escalated('inc-r', customerA, 2)]);
    await eventually(
      async () => r.accepted().length,
      (n) => n === 2,
    );
    // Verified by the old secret (index 0); check the new one verifies the same signature header too.
    r.secrets = [rotated.secret];
    await emit([escalated('inc-r', customerA, 3)]);
    await eventually(
      async () => r.accepted().length,
      (n) => n === 3,
    );
    expect(r.accepted().map((x) => x.verifiedBy)).toEqual([0, 0, 0]);

    const replayed = await t.ok(`mutation($e: ID!, $s: DateTimeISO!) { replayWebhookDeliveries(endpointId: $e, since: $s) }`, {
      e: e.endpoint.id,
      s: since,
    });
    expect(replayed.replayWebhookDeliveries).toBe(3);
    await eventually(
      async () => r.accepted().length,
      (n) => n === 6,
    );
    expect(
      r
        .accepted()
        .slice(3)
        .map((x) => x.payload.step),
    ).toEqual([1, 2, 3]);
  });
});
