/**
 * Kafka for tests.
 *
 *  - KAFKA_BROKERS=host:port[,...] set: tests run against that real broker;
 *    startKafkaMock() creates the requested topics there (tolerating "already
 *    exists") and its fault-injection methods throw.
 *  - else, librdkafka-dev installed (or the binary already built): a librdkafka
 *    mock cluster (test/kafka-mock/kafka-mock, built on demand) per call.
 *  - else REQUIRE_KAFKA=1: describeKafka() throws, the suite FAILS.
 *  - else the suite is skipped.
 *
 * KAFKA_MOCK_DEBUG=1 runs the mock with librdkafka debug logs on stderr.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';

const ROOT = path.resolve(__dirname, '../..');
const MOCK_DIR = path.join(ROOT, 'test/kafka-mock');
const MOCK_BIN = path.join(MOCK_DIR, 'kafka-mock');
const MOCK_SRC = path.join(MOCK_DIR, 'kafka-mock.c');
const MOCK_HEADER = '/usr/include/librdkafka/rdkafka_mock.h';
const INSTALL_HINT = 'apt-get install -y librdkafka-dev';

export interface KafkaMockOptions {
  /** Mock brokers (ids 1..N), default 1. Ignored against a real broker. */
  brokers?: number;
  topics: { name: string; partitions: number }[];
}

export interface KafkaMock {
  bootstrap: string[];
  /** 'mock' for the librdkafka mock, 'real' for KAFKA_BROKERS. */
  mode: 'mock' | 'real';
  /** Sends one raw command line to the mock; rejects on "ERR ...". */
  command(line: string): Promise<void>;
  brokerDown(id: number): Promise<void>;
  brokerUp(id: number): Promise<void>;
  setRtt(brokerId: number, ms: number): Promise<void>;
  /** The next `count` requests with `apiKey` fail with `errorCode` (0 Produce, 1 Fetch; 6 NOT_LEADER, 7 REQUEST_TIMED_OUT). */
  pushErrors(apiKey: number, count: number, errorCode: number): Promise<void>;
  createTopic(name: string, partitions: number): Promise<void>;
  stop(): Promise<void>;
}

export type KafkaAvailability = { mode: 'real'; brokers: string[] } | { mode: 'mock' } | { mode: 'missing'; reason: string };

export function kafkaAvailability(): KafkaAvailability {
  const real = process.env.KAFKA_BROKERS?.trim();
  if (real) {
    return {
      mode: 'real',
      brokers: real
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    };
  }
  if (existsSync(MOCK_BIN) || existsSync(MOCK_HEADER)) return { mode: 'mock' };
  return {
    mode: 'missing',
    reason: `no Kafka for tests: KAFKA_BROKERS is unset and librdkafka's mock header ${MOCK_HEADER} is missing (${INSTALL_HINT})`,
  };
}

/** True when Kafka tests can run; throws when REQUIRE_KAFKA=1 and they cannot; false means skip. */
export function requireKafkaOrSkip(): boolean {
  const a = kafkaAvailability();
  if (a.mode !== 'missing') return true;
  if (process.env.REQUIRE_KAFKA === '1') throw new Error(`REQUIRE_KAFKA=1 but ${a.reason}`);
  return false;
}

/** describe() when Kafka (real or mock) is available, describe.skip() otherwise; fails under REQUIRE_KAFKA=1. */
export function describeKafka(name: string, fn: () => void): void {
  if (requireKafkaOrSkip()) {
    describe(name, fn);
  } else {
    describe.skip(`${name} (skipped: no Kafka; set KAFKA_BROKERS or ${INSTALL_HINT})`, fn);
  }
}

/** Builds the mock binary when it is missing or older than its source. */
export function ensureMockBinary(): string {
  const stale = !existsSync(MOCK_BIN) || (existsSync(MOCK_SRC) && statSync(MOCK_SRC).mtimeMs > statSync(MOCK_BIN).mtimeMs);
  if (stale) {
    try {
      execFileSync(path.join(MOCK_DIR, 'build.sh'), { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
      throw new Error(`building test/kafka-mock failed (${INSTALL_HINT}?):\n${stderr || (error as Error).message}`, {
        cause: error,
      });
    }
  }
  return MOCK_BIN;
}

export async function startKafkaMock(options: KafkaMockOptions): Promise<KafkaMock> {
  const a = kafkaAvailability();
  if (a.mode === 'real') return realBroker(a.brokers, options);
  if (a.mode === 'missing') throw new Error(a.reason);
  return spawnMock(options);
}

// -----------------------------------------------------------------------------

const live = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

async function spawnMock(options: KafkaMockOptions): Promise<KafkaMock> {
  const bin = ensureMockBinary();
  const debug = process.env.KAFKA_MOCK_DEBUG === '1';
  const args = ['--brokers', String(options.brokers ?? 1)];
  for (const t of options.topics) args.push('--topic', `${t.name}:${t.partitions}`);
  if (debug) args.push('--debug');

  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  installExitHook();

  let stderrTail = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (debug) process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
  });
  child.stdin.on('error', () => undefined); // EPIPE after the mock exited

  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    });
  });

  // Lines after BOOTSTRAP answer commands in order.
  const waiters: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  let onBootstrap: ((line: string) => void) | null = null;
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (onBootstrap) {
      const cb = onBootstrap;
      onBootstrap = null;
      cb(line);
      return;
    }
    waiters.shift()?.resolve(line);
  });
  void exitPromise.then(() => {
    const err = new Error(`kafka-mock exited${stderrTail ? `: ${stderrTail.trim()}` : ''}`);
    for (const w of waiters.splice(0)) w.reject(err);
  });

  const bootstrapLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kafka-mock did not start within 10 s: ${stderrTail}`)), 10_000);
    onBootstrap = (line) => {
      clearTimeout(timer);
      resolve(line);
    };
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    void exitPromise.then(() => {
      clearTimeout(timer);
      reject(new Error(`kafka-mock exited before BOOTSTRAP (code ${child.exitCode}): ${stderrTail.trim()}`));
    });
  }).catch((e: unknown) => {
    child.kill('SIGKILL');
    throw e;
  });
  const m = /^BOOTSTRAP (\S+)$/.exec(bootstrapLine);
  if (!m) {
    child.kill('SIGKILL');
    throw new Error(`kafka-mock: unexpected first line ${JSON.stringify(bootstrapLine)}`);
  }
  const bootstrap = m[1].split(',');

  let chain: Promise<unknown> = Promise.resolve();
  const command = (line: string): Promise<void> => {
    const run = async (): Promise<void> => {
      if (exited) throw new Error(`kafka-mock is not running (command ${line})`);
      const answer = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`kafka-mock: no answer to "${line}" within 5 s`)), 5_000);
        waiters.push({
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.stdin.write(`${line}\n`);
      });
      if (answer !== 'OK') throw new Error(`kafka-mock "${line}": ${answer.replace(/^ERR /, '')}`);
    };
    const result = chain.then(run, run);
    chain = result.catch(() => undefined);
    return result;
  };

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!exited) {
        child.stdin.end('quit\n');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exitPromise;
        clearTimeout(timer);
      }
      lines.close();
    })();
    return stopping;
  };

  return {
    bootstrap,
    mode: 'mock',
    command,
    brokerDown: (id) => command(`broker-down ${id}`),
    brokerUp: (id) => command(`broker-up ${id}`),
    setRtt: (id, ms) => command(`rtt ${id} ${ms}`),
    pushErrors: (apiKey, count, code) => command(`push-errors ${apiKey} ${count} ${code}`),
    createTopic: (name, partitions) => command(`create-topic ${name} ${partitions}`),
    stop,
  };
}

async function realBroker(brokers: string[], options: KafkaMockOptions): Promise<KafkaMock> {
  const kafka = new Kafka({ clientId: 'test-setup', brokers, logLevel: logLevel.NOTHING });
  const createTopics = async (topics: { name: string; partitions: number }[]): Promise<void> => {
    if (topics.length === 0) return;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: topics.map((t) => ({ topic: t.name, numPartitions: t.partitions })),
      });
    } finally {
      await admin.disconnect();
    }
  };
  await createTopics(options.topics);
  const unsupported = (): Promise<void> =>
    Promise.reject(new Error('fault injection is not supported against a real broker (KAFKA_BROKERS)'));
  return {
    bootstrap: brokers,
    mode: 'real',
    command: unsupported,
    brokerDown: unsupported,
    brokerUp: unsupported,
    setRtt: unsupported,
    pushErrors: unsupported,
    createTopic: (name, partitions) => createTopics([{ name, partitions }]),
    stop: async () => undefined,
  };
}
