/**
 * Broker outages and broker errors, injected through the librdkafka mock
 * cluster: the hub's producer (outbox relay) and its rma.inbound consumer
 * recover by themselves (no restart, no operator action), every inbound event
 * is applied once, and every outbound event reaches hub.events exactly once
 * (counted by eventId by an independent consumer).
 *
 * Mock only: a real broker (KAFKA_BROKERS) cannot be taken down from a test.
 */
import type { Producer } from 'kafkajs';
import { OutboxMessage } from '../../src/platform/outbox/outbox.entity';
import type { KafkaEventBus } from '../../src/platform/kafka/kafka-event-bus';
import { registerDevice, runId } from '../rma/fixtures';
import { eventually, startTestHub, type TestHub } from '../support/hub';
import { describeKafka, kafkaAvailability, startKafkaMock, type KafkaMock } from '../support/kafka-mock';
import { centreProducer, collectTopic, sendEnvelopes, type TopicCollector } from '../support/kafka-tools';
import { appliedCount, createStories, storyProblems, type Stories } from '../support/rma-stories';

const REAL = kafkaAvailability().mode === 'real';
const itMock = REAL ? it.skip : it;

/** Kafka API keys and error codes used with push-errors. */
const API = { Produce: 0, Fetch: 1, OffsetCommit: 8, Heartbeat: 12 } as const;
const ERR = {
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  REBALANCE_IN_PROGRESS: 27,
} as const;

describeKafka('Kafka broker faults', () => {
  let kafka: KafkaMock;
  let t: TestHub;
  let producer: Producer;
  let events: TopicCollector;
  const group = `brk-${runId().toLowerCase()}`;

  beforeAll(async () => {
    if (REAL) return;
    kafka = await startKafkaMock({
      topics: [
        { name: 'rma.inbound', partitions: 3 },
        { name: 'hub.events', partitions: 3 },
        { name: 'hub.deadletter', partitions: 1 },
        { name: 'hub.live', partitions: 1 },
      ],
    });
    t = await startTestHub({
      env: {
        KAFKA_BROKERS: kafka.bootstrap.join(','),
        KAFKA_GROUP_ID: group,
        KAFKA_SESSION_TIMEOUT_MS: '3000',
        KAFKA_HEARTBEAT_MS: '300',
        KAFKA_MAX_WAIT_MS: '100',
      },
    });
    producer = await centreProducer(kafka.bootstrap);
    const collector = await collectTopic(kafka.bootstrap, 'hub.events', `${group}-watch`);
    await collector.ready;
    events = collector;
  }, 60_000);

  afterAll(async () => {
    await producer?.disconnect();
    await events?.stop();
    await t?.stop();
    await kafka?.stop();
  }, 60_000);

  const consumerDrained = () =>
    eventually(
      () => (t.app.hub.bus as KafkaEventBus).consumerLag(`${group}-rma`, 'rma.inbound'),
      (lag) => lag.every((p) => p.lag === 0),
      45_000,
      250,
    );

  /** Every outbound event the hub committed to hub.events was published and arrived exactly once. */
  const outboundEachOnce = async () => {
    const expected = (await t.app.hub.db.manager.find(OutboxMessage, { where: { topic: 'hub.events' } })).map((m) => m.eventId);
    await eventually(
      () => t.app.hub.outbox.pendingCount(),
      (n) => n === 0,
      45_000,
      200,
    );
    await eventually(
      async () => events.countsById(),
      (counts) => expected.every((id) => counts.has(id)),
      45_000,
      200,
    );
    await new Promise((r) => setTimeout(r, 1_500)); // room for a duplicate to show up
    const counts = events.countsById();
    const wrong = expected.filter((id) => counts.get(id) !== 1).map((id) => `${id} x${counts.get(id) ?? 0}`);
    expect(wrong).toEqual([]);
    return expected.length;
  };

  const requestRma = async (stories: Stories) => {
    const serial = await registerDevice(t, stories.siteId);
    const { requestRma } = await t.ok(`mutation($input: RequestRmaInput!) { requestRma(input: $input) { number } }`, {
      input: { deviceSerial: serial, faultyPartNumbers: ['HDD-1'], problem: 'disk failed', centreId: stories.net.sh.id },
    });
    return requestRma.number as string;
  };

  itMock(
    'an 8 s broker outage: the consumer and the outbox relay resume by themselves',
    async () => {
      const stories = await createStories(t, 8, 'DOWN');
      const half = stories.events.length / 2; // the first four stories, whole
      await sendEnvelopes(producer, 'rma.inbound', stories.events.slice(0, half));
      await eventually(
        () => appliedCount(t.app.hub.db, stories.events),
        (n) => n === half,
        45_000,
        100,
      );

      await kafka.brokerDown(1);
      let upAgain = false;
      try {
        // GraphQL keeps working; the outbound events wait in the outbox.
        const requested = [await requestRma(stories), await requestRma(stories)];
        // Fetches, heartbeats and the relay's publishes fail meanwhile; both back off and retry on their own.
        await new Promise((r) => setTimeout(r, 8_000));
        expect(await t.app.hub.outbox.pendingCount()).toBeGreaterThanOrEqual(requested.length);
        await kafka.brokerUp(1);
        upAgain = true;
      } finally {
        if (!upAgain) await kafka.brokerUp(1).catch(() => undefined);
      }

      // The centre publishes the rest once the broker is back; the hub consumes it without a restart.
      await sendEnvelopes(producer, 'rma.inbound', stories.events.slice(half));
      await eventually(
        () => appliedCount(t.app.hub.db, stories.events),
        (n) => n === stories.events.length,
        45_000,
        100,
      );
      await consumerDrained();
      expect(await storyProblems(t.app.hub.db, stories)).toEqual([]);
      expect(await outboundEachOnce()).toBeGreaterThanOrEqual(2 * 8 + 2);
    },
    120_000,
  );

  itMock(
    'injected Produce, Fetch, OffsetCommit and Heartbeat errors are retried; nothing is lost or doubled',
    async () => {
      const stories = await createStories(t, 8, 'ERRS');
      // Produce: the outbox relay and the centre's producer get leader changes and time-outs.
      await kafka.pushErrors(API.Produce, 3, ERR.NOT_LEADER_OR_FOLLOWER);
      await kafka.pushErrors(API.Produce, 2, ERR.REQUEST_TIMED_OUT);
      await requestRma(stories);
      await sendEnvelopes(producer, 'rma.inbound', stories.events.slice(0, 16));
      // Fetch and group errors while the consumer works through the rest.
      await kafka.pushErrors(API.Fetch, 4, ERR.NOT_LEADER_OR_FOLLOWER);
      await kafka.pushErrors(API.OffsetCommit, 2, ERR.REBALANCE_IN_PROGRESS);
      await kafka.pushErrors(API.OffsetCommit, 1, ERR.NOT_COORDINATOR);
      await kafka.pushErrors(API.Heartbeat, 2, ERR.COORDINATOR_NOT_AVAILABLE);
      await sendEnvelopes(producer, 'rma.inbound', stories.events.slice(16));
      await requestRma(stories);

      await eventually(
        () => appliedCount(t.app.hub.db, stories.events),
        (n) => n === stories.events.length,
        45_000,
        100,
      );
      await consumerDrained();
      expect(await storyProblems(t.app.hub.db, stories)).toEqual([]);
      await outboundEachOnce();
    },
    120_000,
  );
});
