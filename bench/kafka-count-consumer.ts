/**
 * Baseline for Kafka ingest: a bare kafkajs consumer in its own process that
 * only counts the messages of the topic (same partitions handled concurrently
 * as the hub's consumer, offsets committed per batch) and reports how long it
 * took from the first message to the last, and the CPU it used meanwhile.
 */
import { Kafka, logLevel } from 'kafkajs';
import { childMain, emit, serveRpc } from './lib/children';

childMain(async () => {
  const brokers = process.env.BENCH_BROKERS!.split(',');
  const topic = process.env.BENCH_TOPIC!;
  const expected = Number(process.env.BENCH_EXPECTED);
  const kafka = new Kafka({ clientId: 'bench-counter', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: `bench-count-${process.pid}`,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
  });
  let count = 0;
  let first = 0;
  let last = 0;
  let cpuAtFirst: NodeJS.CpuUsage | null = null;
  let cpuAtLast: NodeJS.CpuUsage | null = null;
  let resolveDone: (() => void) | null = null;
  const done = new Promise<void>((r) => (resolveDone = r));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      if (!first) {
        first = performance.timeOrigin + performance.now();
        cpuAtFirst = process.cpuUsage();
      }
      count += batch.messages.length;
      resolveOffset(batch.lastOffset());
      await heartbeat();
      last = performance.timeOrigin + performance.now();
      cpuAtLast = process.cpuUsage();
      if (count >= expected) resolveDone?.();
    },
  });
  serveRpc({
    wait: async ({ timeoutMs }: { timeoutMs: number }) => {
      await Promise.race([done, new Promise((r) => setTimeout(r, timeoutMs))]);
      const cpu = cpuAtFirst && cpuAtLast ? (cpuAtLast.user + cpuAtLast.system - cpuAtFirst.user - cpuAtFirst.system) / 1000 : null;
      return { count, firstAt: first, lastAt: last, cpuMs: cpu };
    },
    stop: async () => {
      await consumer.disconnect().catch(() => undefined);
      setImmediate(() => process.exit(0));
      return true;
    },
  });
  emit('ready', {});
});
