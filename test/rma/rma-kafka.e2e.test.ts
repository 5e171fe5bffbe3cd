/**
 * RMA tracking over Kafka, end to end: support centres publish on the inbound
 * topic, the hub applies, holds or refuses, and its decisions come out on
 * hub.events. Runs against the librdkafka mock cluster (or KAFKA_BROKERS) and
 * the suite's database (MariaDB with TEST_DATABASE_URL).
 */
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import type { EventEnvelope } from '../../src/platform/kafka/event-bus';
import type { KafkaEventBus } from '../../src/platform/kafka/kafka-event-bus';
import { OutboxMessage } from '../../src/platform/outbox/outbox.entity';
import { In } from 'typeorm';
import { HeldRmaEvent, Rma, RmaEvent } from '../../src/modules/rma/rma.entity';
import { comparableRecord, ORDER_STORIES } from '../support/rma-stories';
import { RmaEventProcessor } from '../../src/modules/rma/rma.processor';
import { eventually, startTestHub, type TestHub } from '../support/hub';
import { describeKafka, kafkaAvailability, startKafkaMock, type KafkaMock } from '../support/kafka-mock';
import { createCustomer, createNetwork, deadLetters, getRma, registerDevice, repairStory, rmaEvent, runId, type Network } from './fixtures';

const REAL = kafkaAvailability().mode === 'real';
const itFaults = REAL ? it.skip : it;
const TOPICS = ['rma.inbound', 'hub.events', 'hub.deadletter', 'hub.live'];
const mockTopics = () => TOPICS.map((name) => ({ name, partitions: name === 'rma.inbound' || name === 'hub.events' ? 3 : 1 }));

interface Collector {
  messages: EventEnvelope[];
  of(key: string): EventEnvelope[];
  stop(): Promise<void>;
}

async function collect(brokers: string[], topic: string): Promise<Collector> {
  const kafka = new Kafka({ clientId: 'rma-test-collector', brokers, logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({
    groupId: `collector-${topic}-${runId()}`,
    sessionTimeout: REAL ? 6_000 : 3_000,
    heartbeatInterval: 300,
    maxWaitTimeInMs: 250,
  });
  const messages: EventEnvelope[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      messages.push(JSON.parse(message.value!.toString('utf8')) as EventEnvelope);
    },
  });
  return { messages, of: (key) => messages.filter((m) => m.key === key), stop: () => consumer.disconnect() };
}

async function producer(brokers: string[]): Promise<Producer> {
  const kafka = new Kafka({ clientId: 'support-centre', brokers, logLevel: logLevel.NOTHING });
  const p = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await p.connect();
  return p;
}

const send = (p: Producer, events: EventEnvelope[]) =>
  p.send({ topic: 'rma.inbound', acks: -1, messages: events.map((e) => ({ key: e.key, value: JSON.stringify(e) })) });

/** Every inbound message has been handled and its offset committed. */
async function drained(t: TestHub): Promise<void> {
  const group = `${t.app.hub.config.kafka.groupId}-rma`;
  const bus = t.app.hub.bus as KafkaEventBus;
  await eventually(
    () => bus.consumerLag(group, 'rma.inbound'),
    (lag) => lag.every((p) => p.lag === 0),
    30_000,
    250,
  );
}

/** Everything the hub wrote, to compare before and after a replay. */
async function footprint(t: TestHub) {
  const em = t.app.hub.db.manager;
  const rmas = await em.find(Rma, { order: { number: 'ASC' } });
  return {
    rmas: rmas.map((r) => ({
      number: r.number,
      status: r.status,
      centreId: r.centreId,
      updatedAt: r.updatedAt.toISOString(),
      eventSeq: r.eventSeq,
    })),
    timeline: await em.count(RmaEvent),
    outbox: await em.count(OutboxMessage),
    deadLetters: (await deadLetters(t)).length,
  };
}

/** A fixed shuffle that puts RmaCreated late: most of the story has to wait for it. */
function shuffled<T>(events: T[]): T[] {
  const order = [6, 3, 7, 1, 5, 0, 4, 2];
  return order.map((i) => events[i]);
}

const hubEnv = (mock: KafkaMock, group: string) => ({
  KAFKA_BROKERS: mock.bootstrap.join(','),
  KAFKA_GROUP_ID: group,
  KAFKA_CLIENT_ID: 'service-hub',
});

describeKafka('RMA over Kafka', () => {
  let mock: KafkaMock;
  let t: TestHub;
  let net: Network;
  let siteId: string;
  let centres: Producer;
  let events: Collector;
  let letters: Collector;
  const group = `hub-${runId().toLowerCase()}`;

  beforeAll(async () => {
    mock = await startKafkaMock({ brokers: 1, topics: mockTopics() });
    t = await startTestHub({ env: hubEnv(mock, group) });
    net = await createNetwork(t);
    siteId = (await createCustomer(t)).siteId;
    [centres, events, letters] = await Promise.all([
      producer(mock.bootstrap),
      collect(mock.bootstrap, 'hub.events'),
      collect(mock.bootstrap, 'hub.deadletter'),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([centres?.disconnect(), events?.stop(), letters?.stop()]);
    await t?.stop();
    await mock?.stop();
  }, 60_000);

  const expectRepaired = async (number: string) => {
    const { data } = await getRma(t, number);
    expect(data!.rma).toMatchObject({
      status: 'RETURNED_TO_CUSTOMER',
      centreId: net.east.id,
      originCentreId: net.sh.id,
      loanerRequired: true,
      loanerBasis: 'PROJECTED',
      loanerCompliance: 'KEPT',
    });
    return data!.rma;
  };

  it('a story told only by inbound events ends in the right state with the right outbound events', async () => {
    const serial = await registerDevice(t, siteId);
    const number = `SH-A-${runId()}`;
    await send(centres, repairStory(number, serial, net, new Date(Date.now() - 3600_000)));
    await eventually(
      async () => (await getRma(t, number)).data?.rma?.status,
      (s) => s === 'RETURNED_TO_CUSTOMER',
      30_000,
    );
    await drained(t);
    const rma = await expectRepaired(number);
    expect(rma.history.map((h: { type: string }) => h.type)).toEqual([
      'RmaCreated',
      'RmaApproved',
      'RmaEscalated',
      'DefectiveReceived',
      'RepairStarted',
      'LoanerRequired',
      'LoanerUnavailable',
      'LoanerDelivered',
      'RepairCompleted',
      'UnitReturned',
    ]);
    await eventually(
      async () => events.of(number).map((e) => e.type),
      (types) => types.length >= 2,
      20_000,
    );
    expect(events.of(number).map((e) => e.type)).toEqual(['RmaEscalated', 'LoanerRequired']);
    expect(events.of(number)[0]).toMatchObject({
      source: 'service-hub',
      version: 1,
      payload: { fromCentreCode: net.sh.code, toCentreCode: net.east.code },
    });
    expect(events.of(number)[1].payload).toMatchObject({ basis: 'PROJECTED', serialNumber: serial, centreCode: net.east.code });

    // A second failure of the same serial, raised by the partner: the hub overrides the disposition and says so.
    const second = `SH-B-${runId()}`;
    await send(centres, [
      rmaEvent('RmaCreated', second, net.sh.source, new Date(), { serialNumber: serial, faultyPartNumbers: ['MB-1'], problem: 'no POST' }),
    ]);
    await eventually(
      async () => events.of(second),
      (e) => e.length === 1,
      20_000,
    );
    expect(events.of(second)[0]).toMatchObject({
      type: 'RmaDispositionDecided',
      payload: { disposition: 'REPLACE_WITH_NEW', referenceRmaNumber: number },
    });
  }, 90_000);

  it('an event refused while it is being applied leaves nothing behind, and the events after it in the same batch apply', async () => {
    const serial = await registerDevice(t, siteId);
    const number = `SH-P-${runId()}`;
    const story = repairStory(number, serial, net, new Date(Date.now() - 3600_000));
    const completed = story.findIndex((e) => e.type === 'RepairCompleted');
    // A third-party part without a written waiver: refused by the parts policy inside the effect, after the rule accepted it.
    const thirdParty = rmaEvent('RepairCompleted', number, net.east.source, new Date(story[completed].occurredAt), {
      partsUsed: [{ partNumber: 'PSU-750W', condition: 'NEW', source: 'THIRD_PARTY' }],
    });
    const before = (await deadLetters(t)).length;
    // One send: the events reach the hub together and are applied in one transaction.
    await send(centres, [...story.slice(0, completed), thirdParty, ...story.slice(completed)]);
    await eventually(
      async () => (await getRma(t, number)).data?.rma?.status,
      (s) => s === 'RETURNED_TO_CUSTOMER',
      30_000,
    );
    await drained(t);
    const rma = await expectRepaired(number);
    expect(rma.history.map((h: { type: string }) => h.type)).toEqual([
      'RmaCreated',
      'RmaApproved',
      'RmaEscalated',
      'DefectiveReceived',
      'RepairStarted',
      'LoanerRequired',
      'LoanerUnavailable',
      'LoanerDelivered',
      'RepairCompleted',
      'UnitReturned',
    ]);
    expect(rma.history.find((h: { type: string }) => h.type === 'RepairCompleted').eventId).toBe(story[completed].eventId);
    const parts = await t.ok(`query($n: String!) { rma(number: $n) { parts { kind partNumber source } } }`, { n: number });
    expect(parts.rma.parts).toEqual(
      expect.arrayContaining([{ kind: 'REPLACEMENT', partNumber: 'PSU-750W', source: 'ORIGINAL_MANUFACTURER' }]),
    );
    expect(parts.rma.parts.filter((p: { kind: string }) => p.kind === 'REPLACEMENT')).toHaveLength(1);
    const mine = (await deadLetters(t)).slice(before).filter((l) => l.messageKey === number);
    expect(mine.map((l) => l.reason.replace(/:.*$/, ''))).toEqual(['PARTS_POLICY_VIOLATION']);
  }, 90_000);

  it('the same events delivered twice change nothing', async () => {
    const serial = await registerDevice(t, siteId);
    const number = `SH-R-${runId()}`;
    const story = repairStory(number, serial, net, new Date(Date.now() - 3600_000));
    await send(centres, story);
    await eventually(
      async () => (await getRma(t, number)).data?.rma?.status,
      (s) => s === 'RETURNED_TO_CUSTOMER',
      30_000,
    );
    await drained(t);
    const before = await footprint(t);
    await send(centres, story);
    await send(centres, [...story].reverse());
    await drained(t);
    expect(await footprint(t)).toEqual(before);
    await expectRepaired(number);
  }, 90_000);

  it('a shuffled order still ends right (events wait for the state they need)', async () => {
    const serial = await registerDevice(t, siteId);
    const number = `SH-S-${runId()}`;
    await send(centres, shuffled(repairStory(number, serial, net, new Date(Date.now() - 3600_000))));
    await eventually(
      async () => (await getRma(t, number)).data?.rma?.status,
      (s) => s === 'RETURNED_TO_CUSTOMER',
      30_000,
    );
    await drained(t); // the escalation arrives after the closing event in this order
    const rma = await expectRepaired(number);
    // Applied in lifecycle order whatever the arrival order.
    expect(
      rma.history
        .filter((h: { toStatus: string | null; fromStatus: string | null }) => h.toStatus !== h.fromStatus)
        .map((h: { toStatus: string }) => h.toStatus),
    ).toEqual(['REQUESTED', 'APPROVED', 'RECEIVED', 'IN_REPAIR', 'REPAIRED', 'RETURNED_TO_CUSTOMER']);
    await eventually(
      async () =>
        events
          .of(number)
          .map((e) => e.type)
          .sort(),
      (types) => types.length >= 2,
      20_000,
    );
    expect(
      events
        .of(number)
        .map((e) => e.type)
        .sort(),
    ).toEqual(['LoanerRequired', 'RmaEscalated']);
  }, 90_000);

  it('any arrival order and any number of redeliveries of the same events give the same RMA record', async () => {
    let seed = 20261206;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const shuffle = <T>(items: T[]): T[] =>
      items
        .map((item) => ({ item, k: random() }))
        .sort((a, b) => a.k - b.k)
        .map(({ item }) => item);
    const consumedDuplicates = async () => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('hub_events_consumed_total{topic="rma.inbound",outcome="duplicate"}'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const duplicatesBefore = await consumedDuplicates();
    const t0 = new Date(Date.now() - 3 * 3600_000);
    const copies: Array<{ story: string; inOrder: string; shuffled: string[] }> = [];
    const inOrderEvents: EventEnvelope[] = [];
    const shuffledEvents: EventEnvelope[] = [];
    let duplicatesSent = 0;
    for (const [name, story] of Object.entries(ORDER_STORIES)) {
      const inOrder = `ORD-${runId()}`;
      inOrderEvents.push(...story(inOrder, await registerDevice(t, siteId), net, t0));
      const shuffled: string[] = [];
      for (let copy = 0; copy < 3; copy++) {
        const number = `SHF-${runId()}`;
        shuffled.push(number);
        const events = story(number, await registerDevice(t, siteId), net, t0);
        // Each event one to three times: redeliveries of the same event (same eventId).
        const delivered = events.flatMap((e) => Array.from({ length: 1 + Math.floor(random() * 3) }, () => e));
        duplicatesSent += delivered.length - events.length;
        shuffledEvents.push(...shuffle(delivered));
      }
      copies.push({ story: name, inOrder, shuffled });
    }
    await send(centres, inOrderEvents);
    await drained(t);
    // Several sends, so the copies of one event also fall into different batches.
    const third = Math.ceil(shuffledEvents.length / 3);
    for (let i = 0; i < shuffledEvents.length; i += third) await send(centres, shuffledEvents.slice(i, i + third));
    await send(centres, inOrderEvents);
    duplicatesSent += inOrderEvents.length;
    await drained(t);

    const numbers = copies.flatMap((c) => [c.inOrder, ...c.shuffled]);
    expect(await t.app.hub.db.manager.count(HeldRmaEvent, { where: { rmaNumber: In(numbers) } })).toBe(0);
    expect((await deadLetters(t)).filter((l) => numbers.includes(l.messageKey ?? ''))).toEqual([]);
    for (const { story, inOrder, shuffled } of copies) {
      const expected = await comparableRecord(t.app.hub.db, inOrder);
      for (const number of shuffled) expect({ story, ...(await comparableRecord(t.app.hub.db, number)) }).toEqual({ story, ...expected });
    }
    // The facts the issue names: a rejection that overtook the approval and the receipt still has both, with the approval's validity.
    const rejected = await comparableRecord(t.app.hub.db, copies.find((c) => c.story === 'rejected')!.shuffled[0]);
    expect(rejected).toMatchObject({
      status: 'REJECTED',
      approvedAt: expect.any(String),
      validUntil: expect.any(String),
      defectiveReceivedAt: expect.any(String),
    });
    expect(await consumedDuplicates()).toBeGreaterThanOrEqual(duplicatesBefore + duplicatesSent);
  }, 120_000);

  it('garbage, unknown types, invalid payloads and unentitled centres land in dead letters; valid events behind them apply', async () => {
    const serial = await registerDevice(t, siteId);
    const number = `SH-G-${runId()}`;
    const before = (await deadLetters(t)).length;
    await centres.send({
      topic: 'rma.inbound',
      acks: -1,
      messages: [
        { key: number, value: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x00]) },
        { key: number, value: JSON.stringify({ hello: 'world' }) },
        { key: number, value: JSON.stringify(rmaEvent('RmaTeleported', number, net.sh.source, new Date())) },
        { key: number, value: JSON.stringify(rmaEvent('RmaCreated', number, net.sh.source, new Date(), { serialNumber: serial })) },
        { key: number, value: JSON.stringify(rmaEvent('RmaApproved', number, net.sh.source, new Date(), {}, { version: 7 })) },
        {
          key: number,
          value: JSON.stringify(rmaEvent('RmaCreated', number, 'nobody.we.know', new Date(), { serialNumber: serial, problem: 'x' })),
        },
      ],
    });
    const t0 = new Date(Date.now() - 600_000);
    await send(centres, [
      rmaEvent('RmaCreated', number, net.sh.source, t0, { serialNumber: serial, faultyPartNumbers: ['FAN-1'], problem: 'fan failure' }),
      rmaEvent('RmaApproved', number, net.bj.source, new Date(t0.getTime() + 1000)),
      rmaEvent('RmaApproved', number, net.east.source, new Date(t0.getTime() + 2000)),
    ]);
    await eventually(
      async () => (await getRma(t, number)).data?.rma?.status,
      (s) => s === 'APPROVED',
      30_000,
    );
    await drained(t);
    const mine = (await deadLetters(t)).slice(before).filter((l) => l.messageKey === number);
    const reasons = mine.map((l) => l.reason);
    expect(reasons.map((r) => r.replace(/:.*$/, '')).sort()).toEqual([
      ...Array(5).fill('BAD_USER_INPUT'), // not JSON, not an envelope, unknown type, payload without `problem`, version 7
      'NOT_ENTITLED', // Beijing is not on a Shanghai RMA's path
      'UNKNOWN_SOURCE',
    ]);
    for (const pattern of [
      /malformed message: not JSON/,
      /envelope fields missing/,
      /unknown event type "RmaTeleported"/,
      /invalid RmaCreated v1 payload: problem/,
      /unsupported version 7 of RmaApproved/,
    ])
      expect(reasons.some((r) => pattern.test(r))).toBe(true);
    expect(mine.find((l) => /not JSON/.test(l.reason))?.raw).toMatch(/^b64:/);
    // Queryable, and on the dead-letter topic for whoever watches it.
    const dl = await t.ok(`{ deadLetters(first: 200) { messageKey reason } }`);
    expect(dl.deadLetters.filter((l: { messageKey: string }) => l.messageKey === number)).toHaveLength(7);
    await eventually(
      async () => letters.of(number),
      (l) => l.length === 7,
      20_000,
    );
  }, 90_000);

  it('a crash after the DB commit but before the offset commit neither loses nor doubles an effect', async () => {
    const serial = await registerDevice(t, siteId);
    const number = `SH-C-${runId()}`;
    const story = repairStory(number, serial, net, new Date(Date.now() - 3600_000));
    const escalation = story.find((e) => e.type === 'RmaEscalated')!;
    // The handler commits, then "dies" before returning: the bus cannot commit the offset and redelivers.
    // The consumer hands over batches: the batch holding the escalation commits, then its handler "dies".
    const original = RmaEventProcessor.prototype.handleBatch;
    let crashes = 0;
    const spy = jest.spyOn(RmaEventProcessor.prototype, 'handleBatch').mockImplementation(async function (
      this: RmaEventProcessor,
      messages,
    ) {
      await original.call(this, messages);
      if (messages.some((m) => m.envelope?.eventId === escalation.eventId) && crashes++ === 0)
        throw new Error('process killed after commit');
    });
    try {
      await send(centres, story);
      await eventually(
        async () => (await getRma(t, number)).data?.rma?.status,
        (s) => s === 'RETURNED_TO_CUSTOMER',
        30_000,
      );
      await drained(t);
    } finally {
      spy.mockRestore();
    }
    expect(crashes).toBeGreaterThanOrEqual(2); // delivered again after the "crash"
    const rma = await expectRepaired(number);
    expect(rma.history.filter((h: { type: string }) => h.type === 'RmaEscalated')).toHaveLength(1);
    await eventually(
      async () => events.of(number),
      (e) => e.length >= 2,
      20_000,
    );

    // Now the whole process goes away before any offset is committed: a new instance
    // reads the topic from scratch (a new consumer group) against the same database.
    const before = await footprint(t);
    const db = t.db;
    await t.stop({ drop: false });
    t = await startTestHub({ db, env: hubEnv(mock, `${group}-restarted`) });
    await drained(t);
    expect(await footprint(t)).toEqual(before);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(events.of(number).map((e) => e.type)).toEqual(['RmaEscalated', 'LoanerRequired']);
  }, 120_000);
});

describeKafka('RMA over Kafka with the broker down', () => {
  let mock: KafkaMock;
  let t: TestHub;
  let events: Collector;

  beforeAll(async () => {
    if (REAL) return;
    mock = await startKafkaMock({ brokers: 1, topics: mockTopics() });
    t = await startTestHub({ env: hubEnv(mock, `hub-down-${runId().toLowerCase()}`) });
    events = await collect(mock.bootstrap, 'hub.events');
  }, 60_000);

  afterAll(async () => {
    await events?.stop();
    await t?.stop();
    await mock?.stop();
  }, 60_000);

  itFaults(
    'GraphQL changes still commit, and their outbound events arrive once the broker is back, each once',
    async () => {
      const net = await createNetwork(t);
      const serial = await registerDevice(t, (await createCustomer(t)).siteId);
      // The collector has joined and seen nothing yet.
      await new Promise((r) => setTimeout(r, 4_000));

      await mock.brokerDown(1);
      try {
        const { requestRma } = await t.ok(`mutation($input: RequestRmaInput!) { requestRma(input: $input) { number } }`, {
          input: { deviceSerial: serial, faultyPartNumbers: ['HDD-1'], problem: 'disk failed', centreId: net.sh.id },
        });
        const number = requestRma.number as string;
        await t.ok(`mutation($n: String!) { approveRma(number: $n) { status } }`, { n: number });
        await t.ok(`mutation($n: String!) { escalateRma(number: $n, reason: "OEM analysis") { centreId } }`, { n: number });
        expect((await getRma(t, number)).data!.rma).toMatchObject({ status: 'APPROVED', centreId: net.east.id });
        const pending = await t.app.hub.db.manager.find(OutboxMessage, { where: { messageKey: number }, order: { seq: 'ASC' } });
        expect(pending.map((m) => m.type)).toEqual(['RmaRequested', 'RmaEscalated']);
        await new Promise((r) => setTimeout(r, 2_000));
        expect(events.of(number)).toEqual([]);
        expect(await t.app.hub.outbox.pendingCount()).toBeGreaterThanOrEqual(2);

        await mock.brokerUp(1);
        await eventually(
          async () => events.of(number),
          (e) => e.length >= 2,
          45_000,
          250,
        );
        await new Promise((r) => setTimeout(r, 2_000)); // room for a duplicate to show up
        expect(events.of(number).map((e) => e.eventId)).toEqual(pending.map((m) => m.eventId));
        expect(events.of(number).map((e) => e.type)).toEqual(['RmaRequested', 'RmaEscalated']);
      } finally {
        await mock.brokerUp(1).catch(() => undefined);
      }
    },
    120_000,
  );
});
