/**
 * Baseline for Kafka ingest: a bare kafkajs consumer in its own process that
 * only counts the messages of the topic (same partitions handled concurrently
 * as the hub's consumer, offsets committed per batch) and reports how long it
 * took from the first message to the last.
 */
import { Kafka, logLevel } from 'kafkajs';
import { childMain, emit, serveRpc } from './lib/children';

childMain(async () => {
  const brokers = process.env.BENCH_BROKERS!.split(',');
  const topic = process.env.BENCH_TOPIC!;
  const expected = Number(process.env.BENCH_EXPECTED);
  const kafka = new Kafka({ clientId: 'bench-counter', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-count-${process.pid}`, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  let count = 0;
  let first = 0;
  let last = 0;
  let resolveDone: (() => void) | null = null;
  const done = new Promise<void>((r) => (resolveDone = r));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      if (!first) first = performance.timeOrigin + performance.now();
      count += batch.messages.length;
      resolveOffset(batch.lastOffset());
      await heartbeat();
      last = performance.timeOrigin + performance.now();
      if (count >= expected) resolveDone?.();
    },
  });
  serveRpc({
    wait: async ({ timeoutMs }: { timeoutMs: number }) => {
      await Promise.race([done, new Promise((r) => setTimeout(r, timeoutMs))]);
      return { count, firstAt: first, lastAt: last };
    },
    stop: async () => {
      await consumer.disconnect().catch(() => undefined);
      setImmediate(() => process.exit(0));
      return true;
    },
  });
  emit('ready', {});
});
