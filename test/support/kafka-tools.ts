/**
 * Small Kafka clients for fault tests: a support centre's producer, the
 * group's committed offsets, and a collector that counts what arrives on a
 * topic by eventId (to prove "each once").
 */
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import type { EventEnvelope } from '../../src/platform/kafka/event-bus';

const client = (brokers: string[], clientId: string) => new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });

export async function centreProducer(brokers: string[]): Promise<Producer> {
  const producer = client(brokers, 'fault-test-centre').producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

/** Sends envelopes keyed by their `key`, in one request (so a consumer's first fetch sees one large batch). */
export async function sendEnvelopes(producer: Producer, topic: string, events: EventEnvelope[]): Promise<void> {
  await producer.send({ topic, acks: -1, messages: events.map((e) => ({ key: e.key, value: JSON.stringify(e) })) });
}

/** Sum over partitions of the group's committed offsets on `topic` (0 for a partition without one), and the high watermarks. */
export async function groupProgress(brokers: string[], groupId: string, topic: string): Promise<{ committed: number; high: number }> {
  const admin = client(brokers, 'fault-test-admin').admin();
  await admin.connect();
  try {
    const [offsets, watermarks] = await Promise.all([admin.fetchOffsets({ groupId, topics: [topic] }), admin.fetchTopicOffsets(topic)]);
    const committed = offsets.flatMap((t) => t.partitions).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    const high = watermarks.reduce((sum, w) => sum + Number(w.high), 0);
    return { committed, high };
  } finally {
    await admin.disconnect();
  }
}

export interface TopicCollector {
  /** Every envelope received, redeliveries to this collector included. */
  received: EventEnvelope[];
  /**
   * How many distinct records (partition/offset) carry each eventId: 2 means the
   * hub published the event twice. A record the collector itself was handed
   * twice (its own group rebalanced before committing) counts once.
   */
  countsById(): Map<string, number>;
  stop(): Promise<void>;
}

/** Reads `topic` from the beginning in a fresh group; `ready` resolves once the group has its assignment. */
export async function collectTopic(brokers: string[], topic: string, groupId: string): Promise<TopicCollector & { ready: Promise<void> }> {
  const consumer: Consumer = client(brokers, 'fault-test-collector').consumer({
    groupId,
    sessionTimeout: 3_000,
    heartbeatInterval: 300,
    maxWaitTimeInMs: 200,
  });
  const received: EventEnvelope[] = [];
  const records = new Map<string, Set<string>>(); // eventId -> partition/offset
  let joined: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      if (!message.value) return;
      const envelope = JSON.parse(message.value.toString('utf8')) as EventEnvelope;
      received.push(envelope);
      records.set(envelope.eventId, (records.get(envelope.eventId) ?? new Set()).add(`${partition}/${message.offset}`));
    },
  });
  return {
    received,
    ready,
    countsById: () => new Map([...records].map(([id, at]) => [id, at.size])),
    stop: () => consumer.disconnect(),
  };
}
