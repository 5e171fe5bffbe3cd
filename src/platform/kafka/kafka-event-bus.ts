/**
 * Kafka implementation of the EventBus (kafkajs 2.2.x).
 *
 * Delivery: at-least-once both ways. `publish` resolves after acks=-1; the
 * consumer resolves/commits an offset only after the handler resolved, so a
 * crash between the handler's DB commit and the offset commit redelivers the
 * message (handlers dedupe by eventId). A throwing handler stops its partition's
 * batch without resolving the offset, backs off (heartbeating) and the next
 * fetch starts again at that message. A batch handler (subscribeBatch) gets
 * consecutive messages of one partition in chunks of at most maxBatchSize and
 * the same holds for the chunk as a whole: resolved, then committed; thrown,
 * then every message of it redelivered.
 *
 * Tested against librdkafka's mock cluster (test/kafka-mock). Its limits and the
 * workarounds used here:
 *  - The mock reports controller id 0 while its brokers are 1..N, so kafkajs
 *    requests that go to the controller fail with "Broker 0 not found in the
 *    cached metadata": the idempotent producer (InitProducerId) and
 *    admin.createTopics. `idempotent` defaults to false and must stay false
 *    against the mock; with idempotence off we keep maxInFlightRequests=1 so a
 *    retried Produce cannot overtake the next one for the same key.
 *  - No CreateTopics either: topics are pre-created by the mock; `ensureTopics`
 *    logs a warning and carries on when the broker refuses.
 *    Producers/consumers use allowAutoTopicCreation=false.
 *  - Consumer groups: the mock waits 3 s (group.initial.rebalance.delay) before
 *    the first assignment of an empty group and, for a join/leave of a running
 *    group, sessionTimeout-1 s before electing; tests therefore use a short
 *    `consumer.sessionTimeout` and start group members together.
 *  - Fetch long-polls for maxWaitTimeInMs and consumer.disconnect() waits for the
 *    poll in flight; tests lower `consumer.maxWaitTimeInMs` so close() is quick.
 *  - Broker down/up: the mock refuses connections while down and never moves
 *    leadership, so publish only succeeds once the leader is back; kafkajs'
 *    retry (producer) and crash-restart (consumer) cover it.
 */
import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type ConsumerCrashEvent,
  type EachBatchPayload,
  type LogEntry,
  type Producer,
  type RetryOptions,
} from 'kafkajs';
import {
  DEFAULT_MAX_BATCH_SIZE,
  parseEnvelope,
  type BatchMessageHandler,
  type EventBus,
  type EventEnvelope,
  type MessageHandler,
  type ReceivedMessage,
  type SubscribeBatchOptions,
  type SubscribeOptions,
} from './event-bus';

/** The part of a pino logger this class uses. */
export interface KafkaBusLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface KafkaConsumerTuning {
  /** Group session timeout (default 30000). */
  sessionTimeout?: number;
  /** Heartbeat interval (default 3000); must be well below sessionTimeout. */
  heartbeatInterval?: number;
  /** Rebalance timeout (default 60000). */
  rebalanceTimeout?: number;
  /** Fetch long-poll (default 5000); close() waits for the poll in flight. */
  maxWaitTimeInMs?: number;
  /** Partitions handled in parallel per subscription, in order within each (default 4). */
  partitionsConsumedConcurrently?: number;
  /** Commit at least every N handled messages inside a batch (default 100; always at batch end). */
  commitEvery?: number;
  /** First back-off after a handler failure (default 500 ms), doubled per consecutive failure. */
  handlerRetryInitialMs?: number;
  /** Back-off cap after handler failures (default 30000 ms). */
  handlerRetryMaxMs?: number;
}

export interface KafkaEventBusOptions {
  brokers: string[];
  clientId: string;
  /** Idempotent producer (default false). Must be false against the librdkafka mock. */
  idempotent?: boolean;
  logger?: KafkaBusLogger;
  /** kafkajs client retry (connection/metadata/produce); defaults retry for ~10 s. */
  retry?: RetryOptions;
  connectionTimeout?: number;
  requestTimeout?: number;
  consumer?: KafkaConsumerTuning;
}

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  configEntries?: { name: string; value: string }[];
}

export interface PartitionLag {
  partition: number;
  /** Committed offset of the group, or -1 when it has none. */
  committed: string;
  high: string;
  lag: number;
}

interface Subscription {
  options: SubscribeOptions;
  /** A per-message handler is a batch handler with batches of one. */
  handler: BatchMessageHandler;
  maxBatchSize: number;
  consumer: Consumer | null;
  restartTimer: NodeJS.Timeout | null;
  restartAttempt: number;
  /** Consecutive handler failures per partition, for the back-off. */
  failures: Map<number, number>;
}

const DEFAULT_RETRY: RetryOptions = { initialRetryTime: 300, retries: 6, maxRetryTime: 10_000, factor: 0.2, multiplier: 2 };

const noopLogger: KafkaBusLogger = { info() {}, warn() {}, error() {}, debug() {} };

export class KafkaEventBus implements EventBus {
  readonly kind = 'kafka' as const;

  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly log: KafkaBusLogger;
  private readonly tuning: Required<KafkaConsumerTuning>;
  private readonly subscriptions: Subscription[] = [];
  private connecting: Promise<void> | null = null;
  private connected = false;
  private closing: Promise<void> | null = null;
  private admin: Admin | null = null;
  private adminConnecting: Promise<Admin> | null = null;

  constructor(private readonly options: KafkaEventBusOptions) {
    if (options.brokers.length === 0) throw new Error('KafkaEventBus: no brokers configured');
    this.log = options.logger ?? noopLogger;
    const log = this.log;
    const c = options.consumer ?? {};
    this.tuning = {
      sessionTimeout: c.sessionTimeout ?? 30_000,
      heartbeatInterval: c.heartbeatInterval ?? 3_000,
      rebalanceTimeout: c.rebalanceTimeout ?? 60_000,
      maxWaitTimeInMs: c.maxWaitTimeInMs ?? 5_000,
      partitionsConsumedConcurrently: Math.max(1, c.partitionsConsumedConcurrently ?? 4),
      commitEvery: Math.max(1, c.commitEvery ?? 100),
      handlerRetryInitialMs: c.handlerRetryInitialMs ?? 500,
      handlerRetryMaxMs: c.handlerRetryMaxMs ?? 30_000,
    };

    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: options.connectionTimeout ?? 3_000,
      requestTimeout: options.requestTimeout ?? 30_000,
      retry: options.retry ?? DEFAULT_RETRY,
      logLevel: options.logger ? logLevel.INFO : logLevel.NOTHING,
      logCreator:
        () =>
        ({ namespace, level, log: entry }: LogEntry) => {
          const { message, timestamp: _ts, logger: _name, ...extra } = entry as typeof entry & { logger?: string };
          const obj = { kafkajs: namespace, ...extra };
          const msg = `kafkajs: ${message}`;
          if (level === logLevel.ERROR) log.error(obj, msg);
          else if (level === logLevel.WARN) log.warn(obj, msg);
          else if (level === logLevel.INFO) log.info(obj, msg);
          else log.debug(obj, msg);
        },
    });

    const idempotent = options.idempotent ?? false;
    this.producer = this.kafka.producer({
      idempotent,
      // One request in flight per broker: a retried batch can't overtake the next one.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java-compatible murmur2 partitioning, so support centres' clients agree on key -> partition.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    if (this.closing) throw new Error('KafkaEventBus is closed');
    if (this.connected) return;
    this.connecting ??= this.producer.connect().then(
      () => {
        this.connected = true;
        this.log.info({ brokers: this.options.brokers }, 'kafka producer connected');
      },
      (error: unknown) => {
        this.connecting = null;
        throw error;
      },
    );
    return this.connecting;
  }

  async publish(topic: string, events: EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    if (!this.connected) await this.connect();
    if (this.closing) throw new Error('KafkaEventBus is closed');
    await this.producer.send({
      topic,
      acks: -1,
      messages: events.map((e) => ({
        key: e.key,
        value: JSON.stringify(e),
        headers: { 'event-type': e.type, 'event-id': e.eventId },
      })),
    });
  }

  subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<void> {
    return this.addSubscription(options, (messages) => handler(messages[0]), 1);
  }

  subscribeBatch(options: SubscribeBatchOptions, handler: BatchMessageHandler): Promise<void> {
    return this.addSubscription(options, handler, Math.max(1, options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE));
  }

  private async addSubscription(options: SubscribeOptions, handler: BatchMessageHandler, maxBatchSize: number): Promise<void> {
    if (this.closing) throw new Error('KafkaEventBus is closed');
    const sub: Subscription = {
      options,
      handler,
      maxBatchSize,
      consumer: null,
      restartTimer: null,
      restartAttempt: 0,
      failures: new Map(),
    };
    this.subscriptions.push(sub);
    try {
      await this.startConsumer(sub);
    } catch (error) {
      this.subscriptions.splice(this.subscriptions.indexOf(sub), 1);
      const consumer = sub.consumer as Consumer | null;
      sub.consumer = null;
      await consumer?.disconnect().catch(() => undefined);
      throw error;
    }
  }

  isReady(): boolean {
    return this.connected && !this.closing;
  }

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  /**
   * Creates the topics when the broker allows it. Tolerates "already exists"; any
   * refusal (no CreateTopics in the mock, missing ACLs, no controller) is logged
   * as a warning and ignored: the topics are then expected to be provisioned.
   * A plain name uses the broker's default partitions and replication factor.
   */
  async ensureTopics(specs: (string | TopicSpec)[], timeoutMs = 15_000): Promise<void> {
    const topics = specs.map((s): TopicSpec => (typeof s === 'string' ? { topic: s } : s));
    if (topics.length === 0) return;
    const admin = this.kafka.admin({ retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 } });
    let timer: NodeJS.Timeout | undefined;
    try {
      const created = await Promise.race([
        (async () => {
          await admin.connect();
          return admin.createTopics({
            waitForLeaders: true,
            topics: topics.map((t) => ({
              topic: t.topic,
              numPartitions: t.numPartitions ?? -1,
              replicationFactor: t.replicationFactor ?? -1,
              configEntries: t.configEntries,
            })),
          });
        })(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`createTopics timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      this.log.info({ topics: topics.map((t) => t.topic), created }, 'kafka topics ensured');
    } catch (error) {
      const e = error as Error & { errors?: unknown; type?: string };
      if (e.type === 'TOPIC_ALREADY_EXISTS') return;
      this.log.warn(
        { err: e, topics: topics.map((t) => t.topic) },
        'kafka: could not create topics (broker refused); assuming they are provisioned',
      );
    } finally {
      clearTimeout(timer);
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Lag per partition of `groupId` on `topic`: high watermark minus committed offset (or minus low when none). */
  async consumerLag(groupId: string, topic: string): Promise<PartitionLag[]> {
    const admin = await this.getAdmin();
    const [watermarks, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const committedBy = new Map<number, string>();
    for (const t of committed) for (const p of t.partitions) committedBy.set(p.partition, p.offset);
    return watermarks
      .map((w) => {
        const c = committedBy.get(w.partition) ?? '-1';
        const base = BigInt(c) >= 0n ? BigInt(c) : BigInt(w.low);
        const lag = BigInt(w.high) - base;
        return { partition: w.partition, committed: c, high: w.high, lag: Number(lag > 0n ? lag : 0n) };
      })
      .sort((a, b) => a.partition - b.partition);
  }

  // ---------------------------------------------------------------------------

  private async getAdmin(): Promise<Admin> {
    if (this.closing) throw new Error('KafkaEventBus is closed');
    if (this.admin) return this.admin;
    this.adminConnecting ??= (async () => {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
      } catch (error) {
        this.adminConnecting = null;
        throw error;
      }
      this.admin = admin;
      return admin;
    })();
    return this.adminConnecting;
  }

  private async startConsumer(sub: Subscription): Promise<void> {
    const { topic, groupId } = sub.options;
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: this.tuning.sessionTimeout,
      heartbeatInterval: this.tuning.heartbeatInterval,
      rebalanceTimeout: this.tuning.rebalanceTimeout,
      maxWaitTimeInMs: this.tuning.maxWaitTimeInMs,
      allowAutoTopicCreation: false,
      retry: {
        ...(this.options.retry ?? DEFAULT_RETRY),
        // kafkajs restarts the consumer after a retriable crash; keep doing so until close().
        restartOnFailure: async () => !this.closing,
      },
    });
    sub.consumer = consumer;

    consumer.on(consumer.events.CRASH, (event: ConsumerCrashEvent) => {
      const { error, restart } = event.payload;
      this.log.error({ err: error, topic, groupId, restart }, 'kafka consumer crashed');
      // kafkajs gives up on errors it deems non-retriable: start a fresh consumer ourselves.
      if (!restart && !this.closing && sub.consumer === consumer) this.scheduleRestart(sub);
    });
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      sub.restartAttempt = 0;
      this.log.info(
        { topic, groupId, assignment: event.payload.memberAssignment, durationMs: event.payload.duration },
        'kafka consumer joined group',
      );
    });

    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: sub.options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.tuning.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.processBatch(sub, payload),
    });
  }

  private scheduleRestart(sub: Subscription): void {
    if (sub.restartTimer) return;
    sub.restartAttempt += 1;
    const delay = Math.min(1_000 * 2 ** (sub.restartAttempt - 1), 30_000);
    const { topic, groupId } = sub.options;
    this.log.warn({ topic, groupId, delayMs: delay, attempt: sub.restartAttempt }, 'kafka consumer: restarting');
    sub.restartTimer = setTimeout(() => {
      sub.restartTimer = null;
      if (this.closing) return;
      const old = sub.consumer;
      sub.consumer = null;
      void (async () => {
        await old?.disconnect().catch(() => undefined);
        if (this.closing) return;
        try {
          await this.startConsumer(sub);
        } catch (error) {
          this.log.error({ err: error, topic, groupId }, 'kafka consumer: restart failed');
          if (!this.closing) this.scheduleRestart(sub);
        }
      })();
    }, delay);
  }

  private async processBatch(sub: Subscription, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    let lastHandled: string | null = null;
    let uncommitted = 0;

    const commit = async (): Promise<void> => {
      if (lastHandled === null || uncommitted === 0) return;
      const offset = (BigInt(lastHandled) + 1n).toString();
      // With explicit offsets this is a plain OffsetCommit (autoCommit is off).
      await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] });
      uncommitted = 0;
    };

    const toReceived = (m: (typeof batch.messages)[number]): ReceivedMessage => {
      const raw = m.value ?? null;
      const parsed = parseEnvelope(raw);
      return {
        topic,
        partition,
        offset: m.offset,
        key: m.key ? m.key.toString('utf8') : null,
        raw,
        envelope: parsed.envelope,
        ...(parsed.error !== undefined ? { parseError: parsed.error } : {}),
      };
    };

    try {
      for (let start = 0; start < batch.messages.length; start += sub.maxBatchSize) {
        if (!isRunning() || isStale() || this.closing) break;
        const chunk = batch.messages.slice(start, start + sub.maxBatchSize).map(toReceived);
        try {
          await sub.handler(chunk);
        } catch (error) {
          const attempt = (sub.failures.get(partition) ?? 0) + 1;
          sub.failures.set(partition, attempt);
          const delay = Math.min(this.tuning.handlerRetryInitialMs * 2 ** (attempt - 1), this.tuning.handlerRetryMaxMs);
          const first = chunk[0];
          this.log.warn(
            {
              err: error,
              topic,
              partition,
              offset: first.offset,
              messages: chunk.length,
              eventId: first.envelope?.eventId,
              type: first.envelope?.type,
              groupId: sub.options.groupId,
              attempt,
              retryInMs: delay,
            },
            chunk.length === 1
              ? 'kafka consumer: handler failed, message will be redelivered'
              : 'kafka consumer: handler failed, messages will be redelivered',
          );
          await commit();
          await this.pause(delay, heartbeat, isRunning);
          // Return without resolving: the next fetch starts again at the chunk's first message.
          return;
        }
        sub.failures.delete(partition);
        const last = chunk[chunk.length - 1].offset;
        resolveOffset(last);
        lastHandled = last;
        uncommitted += chunk.length;
        if (uncommitted >= this.tuning.commitEvery) await commit();
        await heartbeat();
      }
      await commit();
    } catch (error) {
      // Heartbeat/commit failed (typically a rebalance): commit what was handled if
      // the coordinator still accepts it, then let kafkajs rejoin.
      await commit().catch(() => undefined);
      throw error;
    }
  }

  /** Sleeps `ms`, heartbeating so the group keeps the member; ends early on stop. */
  private async pause(ms: number, heartbeat: () => Promise<void>, isRunning: () => boolean): Promise<void> {
    const until = Date.now() + ms;
    while (!this.closing && isRunning()) {
      const left = until - Date.now();
      if (left <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, 250)));
      await heartbeat();
    }
  }

  private async doClose(): Promise<void> {
    for (const sub of this.subscriptions) {
      if (sub.restartTimer) clearTimeout(sub.restartTimer);
      sub.restartTimer = null;
    }
    await Promise.all(
      this.subscriptions.map(async (sub) => {
        const consumer = sub.consumer;
        sub.consumer = null;
        if (!consumer) return;
        try {
          await consumer.disconnect();
        } catch (error) {
          this.log.warn({ err: error, topic: sub.options.topic, groupId: sub.options.groupId }, 'kafka consumer disconnect failed');
        }
      }),
    );
    this.subscriptions.length = 0;
    const admin = this.admin ?? (await this.adminConnecting?.catch(() => null)) ?? null;
    this.admin = null;
    await admin?.disconnect().catch(() => undefined);
    try {
      await this.connecting?.catch(() => undefined);
      await this.producer.disconnect();
    } catch (error) {
      this.log.warn({ err: error }, 'kafka producer disconnect failed');
    } finally {
      this.connected = false;
    }
  }
}
