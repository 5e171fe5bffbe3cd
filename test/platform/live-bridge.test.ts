import { InProcessEventBus } from '../../src/platform/kafka/in-process-event-bus';
import type { EventEnvelope, ReceivedMessage } from '../../src/platform/kafka/event-bus';
import { createLogger } from '../../src/platform/logger';
import { createLivePubSub, LIVE_UPDATES, UPDATES_PER_MESSAGE, type LivePubSub } from '../../src/platform/pubsub';

/**
 * The bridge between hub instances over the live topic, on the in-process bus
 * (same contract as Kafka: each group sees every message once, in order). The
 * Kafka path is covered by cross-instance.kafka.test.ts.
 */
describe('live updates between instances', () => {
  const topic = 'hub.live';
  let bus: InProcessEventBus;
  let a: LivePubSub;
  let b: LivePubSub;
  let carried: ReceivedMessage[];

  beforeEach(async () => {
    bus = new InProcessEventBus();
    const log = createLogger('silent');
    a = await createLivePubSub({ bus, topic, instanceId: 'hub-a', log });
    b = await createLivePubSub({ bus, topic, instanceId: 'hub-b', log });
    carried = [];
    await bus.subscribe({ topic, groupId: 'observer' }, async (message) => {
      carried.push(message);
    });
  });
  afterEach(() => bus.close());

  async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async function take(subscription: AsyncIterator<unknown>, n: number): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push((await subscription.next()).value);
    return out;
  }

  it('sends the updates of one turn as a few messages, and the other instance delivers each once, in order', async () => {
    const onB = b.subscribe('RMA_UPDATED', 'all');
    const onBCustomer = b.subscribe('RMA_UPDATED', 'customer:c1');
    const count = UPDATES_PER_MESSAGE * 2 + 7;
    for (let i = 0; i < count; i++) a.publishToEach('RMA_UPDATED', ['all', ...(i % 2 === 0 ? ['customer:c1'] : [])], { seq: i });

    expect(await take(onB, count)).toEqual(Array.from({ length: count }, (_, i) => ({ seq: i })));
    expect(await take(onBCustomer, Math.ceil(count / 2))).toEqual(Array.from({ length: Math.ceil(count / 2) }, (_, i) => ({ seq: i * 2 })));
    await until(() => carried.length >= 3);
    expect(carried).toHaveLength(3);
    expect(carried.map((m) => m.envelope?.type)).toEqual([LIVE_UPDATES, LIVE_UPDATES, LIVE_UPDATES]);

    // Nothing more arrives: each update crossed once.
    a.publish('RMA_UPDATED', 'all', { seq: 'last' });
    expect(await take(onB, 1)).toEqual([{ seq: 'last' }]);
  });

  it('does not deliver its own updates twice (local dispatch, not the echo from the topic)', async () => {
    const onA = a.subscribe('NOTICE', 'c1');
    a.publish('NOTICE', 'c1', { n: 1 });
    a.publish('NOTICE', 'c1', { n: 2 });
    expect(await take(onA, 2)).toEqual([{ n: 1 }, { n: 2 }]);
    await until(() => carried.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 20)); // A's own group has had the echo as long as the observer
    expect(carried.length).toBeGreaterThan(0); // the echo came back through the topic…
    a.publish('NOTICE', 'c1', { n: 3 });
    expect(await take(onA, 1)).toEqual([{ n: 3 }]); // …and was not dispatched again
  });

  it('still understands the one-update messages of earlier hub versions', async () => {
    const onB = b.subscribe('INCIDENT_UPDATED', 'i1');
    const old: EventEnvelope = {
      eventId: 'e-1',
      version: 1,
      type: 'LiveUpdate',
      key: 'INCIDENT_UPDATED:i1',
      source: 'hub-old',
      occurredAt: new Date().toISOString(),
      payload: { type: 'INCIDENT_UPDATED:i1', detail: { id: 'i1', status: 'OPEN' } },
    };
    await bus.publish(topic, [old]);
    expect(await take(onB, 1)).toEqual([{ id: 'i1', status: 'OPEN' }]);
  });
});
