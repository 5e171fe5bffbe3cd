import { Kafka, logLevel } from 'kafkajs';
import { makeEnvelope, type EventEnvelope, type ReceivedMessage } from '../../src/platform/kafka/event-bus';
import { KafkaEventBus, type KafkaBusLogger, type KafkaEventBusOptions } from '../../src/platform/kafka/kafka-event-bus';
import { describeKafka, kafkaAvailability, startKafkaMock, type KafkaMock } from '../support/kafka-mock';

const REAL = kafkaAvailability().mode === 'real';
const itFaults = REAL ? it.skip : it;
const RUN = Date.now().toString(36);
const t = (name: string): string => `${name}-${RUN}`;

const TOPICS = {
  roundTrip: { name: t('rt'), partitions: 3 },
  split: { name: t('split'), partitions: 4 },
  retry: { name: t('retry'), partitions: 1 },
  batch: { name: t('batch'), partitions: 1 },
  resume: { name: t('resume'), partitions: 1 },
  garbage: { name: t('garbage'), partitions: 1 },
};

interface LogLine {
  level: string;
  obj: object;
  msg?: string;
}

function captureLogger(lines: LogLine[]): KafkaBusLogger {
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, msg });
      if (process.env.KAFKA_TEST_LOG === '1') console.log(level, msg, JSON.stringify(obj));
    };
  return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function event(key: string, seq: number, type = 'rma.updated'): EventEnvelope {
  return makeEnvelope({ type, key, source: 'test', payload: { seq } });
}

describeKafka('KafkaEventBus', () => {
  let mock: KafkaMock;
  const buses: KafkaEventBus[] = [];
  const logs: LogLine[] = [];

  function newBus(extra: Partial<KafkaEventBusOptions> = {}): KafkaEventBus {
    const bus = new KafkaEventBus({
      brokers: mock.bootstrap,
      clientId: 'hub-test',
      logger: captureLogger(logs),
      ...extra,
      consumer: {
        // The mock elects sessionTimeout-1s after a join/leave of a running group; real Kafka wants >= 6 s.
        sessionTimeout: REAL ? 6_000 : 3_000,
        heartbeatInterval: 300,
        maxWaitTimeInMs: 250,
        handlerRetryInitialMs: 200,
        ...extra.consumer,
      },
    });
    buses.push(bus);
    return bus;
  }

  beforeAll(async () => {
    mock = await startKafkaMock({ brokers: 2, topics: Object.values(TOPICS) });
  });

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  afterAll(async () => {
    await mock?.stop();
  });

  it('round-trips envelopes and keeps per-key order within a partition', async () => {
    const topic = TOPICS.roundTrip.name;
    const bus = newBus();
    await bus.connect();
    expect(bus.isReady()).toBe(true);

    const keys = ['RMA-1', 'RMA-2', 'RMA-3', 'INC-7', 'INC-8', 'INC-9'];
    const sent: EventEnvelope[] = [];
    for (let round = 0; round < 3; round++) {
      const batch = Array.from({ length: 12 }, (_, i) => event(keys[i % keys.length], round * 12 + i));
      sent.push(...batch);
      await bus.publish(topic, batch);
    }

    const got: ReceivedMessage[] = [];
    await bus.subscribe({ topic, groupId: t('rt-group'), fromBeginning: true }, async (m) => {
      got.push(m);
    });
    await waitFor('all events', () => got.length >= sent.length);

    expect(got).toHaveLength(sent.length);
    const byId = new Map(sent.map((e) => [e.eventId, e]));
    const partitionOfKey = new Map<string, number>();
    for (const m of got) {
      expect(m.parseError).toBeUndefined();
      expect(m.envelope).toEqual(byId.get(m.envelope!.eventId));
      expect(m.key).toBe(m.envelope!.key);
      expect(m.raw?.toString('utf8')).toBe(JSON.stringify(byId.get(m.envelope!.eventId)));
      const p = partitionOfKey.get(m.key!);
      if (p !== undefined) expect(m.partition).toBe(p);
      partitionOfKey.set(m.key!, m.partition);
    }
    for (const key of keys) {
      const seqs = got.filter((m) => m.key === key).map((m) => (m.envelope!.payload as { seq: number }).seq);
      expect(seqs).toEqual(sent.filter((e) => e.key === key).map((e) => (e.payload as { seq: number }).seq));
    }
    // More than one partition was used, and offsets grow within each.
    expect(new Set(got.map((m) => m.partition)).size).toBeGreaterThan(1);
    for (const p of new Set(got.map((m) => m.partition))) {
      const offs = got.filter((m) => m.partition === p).map((m) => Number(m.offset));
      expect(offs).toEqual([...offs].sort((a, b) => a - b));
    }

    // Everything handled was committed: no lag left.
    await waitFor('lag 0', async () => (await bus.consumerLag(t('rt-group'), topic)).every((l) => l.lag === 0), 5_000);
  }, 20_000);

  it('splits partitions between two consumers of one group and handles each message once', async () => {
    const topic = TOPICS.split.name;
    const groupId = t('split-group');
    const logsOf = { a: [] as LogLine[], b: [] as LogLine[] };
    const a = newBus({ clientId: 'hub-a', logger: captureLogger(logsOf.a) });
    const b = newBus({ clientId: 'hub-b', logger: captureLogger(logsOf.b) });
    const lastAssignment = (who: 'a' | 'b'): number[] => {
      const joins = logsOf[who].filter((l) => l.msg === 'kafka consumer joined group');
      const last = joins.at(-1)?.obj as { assignment?: Record<string, number[]> } | undefined;
      return last?.assignment?.[topic] ?? [];
    };
    const handled = new Map<string, string[]>(); // eventId -> consumers
    const partitions = { a: new Set<number>(), b: new Set<number>() };
    const handler = (who: 'a' | 'b') => async (m: ReceivedMessage) => {
      handled.set(m.envelope!.eventId, [...(handled.get(m.envelope!.eventId) ?? []), who]);
      partitions[who].add(m.partition);
    };
    // Join at about the same time so the group usually settles in one generation.
    await Promise.all([a.subscribe({ topic, groupId }, handler('a')), b.subscribe({ topic, groupId }, handler('b'))]);
    // "Together" is not guaranteed: one may join alone first and be handed every partition until the
    // rebalance. Publish only once both hold a share of one generation's assignment.
    await waitFor('both consumers assigned', () => {
      const [pa, pb] = [lastAssignment('a'), lastAssignment('b')];
      return pa.length > 0 && pb.length > 0 && pa.length + pb.length === TOPICS.split.partitions && !pa.some((p) => pb.includes(p));
    });

    const sent = Array.from({ length: 40 }, (_, i) => event(`RMA-${i % 10}`, i));
    await a.publish(topic, sent);
    await waitFor('all events', () => handled.size >= sent.length);
    await sleep(500); // give duplicates a chance to show up

    expect(handled.size).toBe(sent.length);
    for (const e of sent) expect(handled.get(e.eventId)).toHaveLength(1);
    expect(partitions.a.size).toBeGreaterThan(0);
    expect(partitions.b.size).toBeGreaterThan(0);
    for (const p of partitions.a) expect(partitions.b.has(p)).toBe(false);
  }, 20_000);

  it('redelivers a message whose handler threw, committing its offset only after success', async () => {
    const topic = TOPICS.retry.name;
    const groupId = t('retry-group');
    const bus = newBus();
    const sent = Array.from({ length: 5 }, (_, i) => event('RMA-42', i));
    await bus.publish(topic, sent);

    const attempts: number[] = [];
    const done: number[] = [];
    let committedDuringRetry: string | undefined;
    await bus.subscribe({ topic, groupId }, async (m) => {
      const seq = (m.envelope!.payload as { seq: number }).seq;
      attempts.push(seq);
      if (seq === 2) {
        if (attempts.filter((s) => s === 2).length === 1) throw new Error('transient DB failure');
        // Second attempt: the failed message's offset must not have been committed yet,
        // but the successfully handled ones before it were.
        const lag = await bus.consumerLag(groupId, topic);
        committedDuringRetry = lag[0].committed;
      }
      done.push(seq);
    });
    await waitFor('all events', () => done.length >= sent.length);

    expect(attempts).toEqual([0, 1, 2, 2, 3, 4]);
    expect(done).toEqual([0, 1, 2, 3, 4]);
    expect(committedDuringRetry).toBe('2');
    await waitFor('commit', async () => (await bus.consumerLag(groupId, topic))[0].committed === '5', 5_000);
    expect(logs.some((l) => l.level === 'warn' && /handler failed/.test(l.msg ?? ''))).toBe(true);
  }, 20_000);

  it('batch handler: chunks of at most maxBatchSize in order; a chunk that threw is redelivered whole, offsets committed after success', async () => {
    const topic = TOPICS.batch.name;
    const groupId = t('batch-group');
    const bus = newBus();
    const sent = Array.from({ length: 7 }, (_, i) => event('RMA-43', i));
    await bus.publish(topic, sent);

    const chunks: number[][] = [];
    const done: number[] = [];
    let failedChunk: number[] | null = null;
    let committedDuringRetry: string | undefined;
    await bus.subscribeBatch({ topic, groupId, maxBatchSize: 3 }, async (messages) => {
      const seqs = messages.map((m) => (m.envelope!.payload as { seq: number }).seq);
      chunks.push(seqs);
      if (seqs.includes(4)) {
        if (!failedChunk) {
          failedChunk = seqs;
          throw new Error('transient DB failure');
        }
        committedDuringRetry = (await bus.consumerLag(groupId, topic))[0].committed;
      }
      done.push(...seqs);
    });
    await waitFor('all events', () => done.length >= sent.length);

    expect(chunks.every((c) => c.length >= 1 && c.length <= 3)).toBe(true);
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // The chunk is redelivered from its first message: nothing of it was committed or skipped.
    const retried = chunks.filter((c) => c.includes(4));
    expect(retried).toHaveLength(2);
    expect(retried[1][0]).toBe(failedChunk![0]);
    expect(committedDuringRetry).toBe(String(failedChunk![0]));
    await waitFor('commit', async () => (await bus.consumerLag(groupId, topic))[0].committed === '7', 5_000);
  }, 20_000);

  it('a new consumer in the same group resumes from the first unhandled message', async () => {
    const topic = TOPICS.resume.name;
    const groupId = t('resume-group');
    const first = newBus({ clientId: 'hub-1' });
    const sent = Array.from({ length: 6 }, (_, i) => event('INC-1', i));
    await first.publish(topic, sent);

    // First instance: handles 0..2, then keeps failing on 3 (e.g. its DB went away).
    const firstDone: number[] = [];
    let failuresOn3 = 0;
    await first.subscribe({ topic, groupId }, async (m) => {
      const seq = (m.envelope!.payload as { seq: number }).seq;
      if (seq === 3) {
        failuresOn3++;
        throw new Error('DB unavailable');
      }
      firstDone.push(seq);
    });
    await waitFor('failure on 3', () => failuresOn3 >= 1);
    await first.close(); // the instance dies / is replaced
    expect(firstDone).toEqual([0, 1, 2]);

    const second = newBus({ clientId: 'hub-2' });
    const secondSeen: { seq: number; offset: string }[] = [];
    await second.subscribe({ topic, groupId }, async (m) => {
      secondSeen.push({ seq: (m.envelope!.payload as { seq: number }).seq, offset: m.offset });
    });
    await waitFor('remaining events', () => secondSeen.length >= 3);
    await sleep(300);
    expect(secondSeen).toEqual([
      { seq: 3, offset: '3' },
      { seq: 4, offset: '4' },
      { seq: 5, offset: '5' },
    ]);
  }, 25_000);

  it('hands garbage bytes to the handler as envelope null with a parseError, raw bytes intact', async () => {
    const topic = TOPICS.garbage.name;
    const kafka = new Kafka({ clientId: 'raw', brokers: mock.bootstrap, logLevel: logLevel.NOTHING });
    const raw = kafka.producer({ allowAutoTopicCreation: false });
    await raw.connect();
    const notJson = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x00, 0x6e, 0x6f]);
    const notEnvelope = Buffer.from(JSON.stringify({ hello: 'world' }));
    const good = event('RMA-9', 1);
    try {
      await raw.send({
        topic,
        acks: -1,
        messages: [
          { key: 'RMA-9', value: notJson },
          { key: null, value: notEnvelope },
          { key: 'RMA-9', value: null },
          { key: 'RMA-9', value: JSON.stringify(good) },
        ],
      });
    } finally {
      await raw.disconnect();
    }

    const bus = newBus();
    const got: ReceivedMessage[] = [];
    await bus.subscribe({ topic, groupId: t('garbage-group') }, async (m) => {
      got.push(m);
    });
    await waitFor('4 messages', () => got.length >= 4);

    expect(got[0]).toMatchObject({ key: 'RMA-9', envelope: null, offset: '0' });
    expect(got[0].parseError).toMatch(/not JSON/);
    expect(Buffer.compare(got[0].raw!, notJson)).toBe(0);
    expect(got[1]).toMatchObject({ key: null, envelope: null });
    expect(got[1].parseError).toMatch(/envelope fields missing/);
    expect(got[1].raw!.toString()).toBe(notEnvelope.toString());
    expect(got[2]).toMatchObject({ envelope: null, parseError: 'empty message' });
    expect(got[3].envelope).toEqual(good);
    expect(got[3].parseError).toBeUndefined();
  }, 20_000);

  it('ensureTopics never fails start-up, even when the broker refuses CreateTopics', async () => {
    const lines: LogLine[] = [];
    const bus = newBus({ logger: captureLogger(lines) });
    await bus.connect();
    const started = Date.now();
    await expect(bus.ensureTopics([TOPICS.roundTrip.name, { topic: t('ensured'), numPartitions: 2 }])).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(16_000);
    if (!REAL) {
      // The mock has no CreateTopics (and no controller): a warning, not an error.
      expect(lines.some((l) => l.level === 'warn' && /could not create topics/.test(l.msg ?? ''))).toBe(true);
    }
  }, 20_000);

  describe('faults (mock only)', () => {
    let faulty: KafkaMock;
    const topic = t('faults');

    beforeAll(async () => {
      if (REAL) return;
      faulty = await startKafkaMock({ brokers: 1, topics: [{ name: topic, partitions: 1 }] });
    });
    afterAll(async () => {
      await faulty?.stop();
    });

    itFaults(
      'publish survives a broker outage and transient produce errors',
      async () => {
        const bus = new KafkaEventBus({ brokers: faulty.bootstrap, clientId: 'hub-faults', logger: captureLogger(logs) });
        buses.push(bus);
        await bus.connect();
        const high = async (): Promise<string> => (await bus.consumerLag(t('nobody'), topic))[0].high;
        await bus.publish(topic, [event('RMA-1', 0)]);
        expect(await high()).toBe('1');

        // Broker down while publishing: the publish retries and resolves once it's back.
        await faulty.brokerDown(1);
        let settled = false;
        const pending = bus.publish(topic, [event('RMA-1', 1), event('RMA-1', 2)]).finally(() => {
          settled = true;
        });
        await sleep(1_500);
        expect(settled).toBe(false);
        await faulty.brokerUp(1);
        await pending;
        expect(await high()).toBe('3');

        // Transient broker errors on Produce (NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT) are retried.
        await faulty.pushErrors(0, 2, 6);
        await bus.publish(topic, [event('RMA-1', 3)]);
        await faulty.pushErrors(0, 1, 7);
        await bus.publish(topic, [event('RMA-1', 4)]);
        expect(await high()).toBe('5');

        // The mock rejects unknown commands / brokers.
        await expect(faulty.command('no-such-command')).rejects.toThrow(/unknown command/);
        await expect(faulty.brokerDown(99)).rejects.toThrow(/broker-down/);
      },
      30_000,
    );

    itFaults(
      'a consumer keeps consuming after a broker outage that outlasts its retries (crash + restart)',
      async () => {
        const crashLogs: LogLine[] = [];
        const bus = new KafkaEventBus({
          brokers: faulty.bootstrap,
          clientId: 'hub-faults-consumer',
          logger: captureLogger(crashLogs),
          // A retry budget far shorter than the outage, so kafkajs gives up and the consumer crashes.
          retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 300 },
          consumer: { sessionTimeout: 3_000, heartbeatInterval: 300, maxWaitTimeInMs: 250 },
        });
        buses.push(bus);
        const seen = new Set<number>();
        await bus.subscribe({ topic, groupId: t('faults-group') }, async (m) => {
          seen.add((m.envelope!.payload as { seq: number }).seq);
        });
        await waitFor('existing events', () => seen.size >= 5);

        await faulty.brokerDown(1);
        await sleep(2_000);
        await faulty.brokerUp(1);
        await bus.publish(topic, [event('RMA-1', 5)]);
        await waitFor('event after outage', () => seen.has(5), 15_000);
        expect(crashLogs.some((l) => l.msg === 'kafka consumer crashed')).toBe(true);
      },
      30_000,
    );
  });
});
