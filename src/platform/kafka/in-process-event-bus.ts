import type { Logger } from '../logger';
import type {
  BatchMessageHandler,
  EventBus,
  EventEnvelope,
  MessageHandler,
  ReceivedMessage,
  SubscribeBatchOptions,
  SubscribeOptions,
} from './event-bus';
import { DEFAULT_MAX_BATCH_SIZE, parseEnvelope } from './event-bus';

interface Group {
  handler: BatchMessageHandler;
  maxBatchSize: number;
  queue: ReceivedMessage[];
  draining: boolean;
}

/**
 * The embedded-mode bus: same contract as Kafka (ordered per topic, a group sees
 * each message once, a failing handler gets the message again) within one process.
 * Messages are not persisted here; durability comes from the outbox, which only
 * marks an event published after this bus accepted it.
 */
export class InProcessEventBus implements EventBus {
  readonly kind = 'in-process' as const;
  private readonly topics = new Map<string, Map<string, Group>>();
  private readonly offsets = new Map<string, number>();
  private closed = false;

  constructor(private readonly log?: Logger) {}

  async connect(): Promise<void> {}

  isReady(): boolean {
    return !this.closed;
  }

  async publish(topic: string, events: EventEnvelope[]): Promise<void> {
    if (this.closed) throw new Error('event bus closed');
    for (const envelope of events) this.deliver(topic, Buffer.from(JSON.stringify(envelope)), envelope.key);
  }

  /** Delivers raw bytes as if a producer outside the hub had sent them (tests of malformed input use it). */
  publishRaw(topic: string, raw: Buffer, key: string | null = null): void {
    this.deliver(topic, raw, key);
  }

  async subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<void> {
    const groups = this.topics.get(options.topic) ?? new Map<string, Group>();
    this.topics.set(options.topic, groups);
    groups.set(options.groupId, { handler: (messages) => handler(messages[0]), maxBatchSize: 1, queue: [], draining: false });
  }

  async subscribeBatch(options: SubscribeBatchOptions, handler: BatchMessageHandler): Promise<void> {
    const groups = this.topics.get(options.topic) ?? new Map<string, Group>();
    this.topics.set(options.topic, groups);
    const maxBatchSize = Math.max(1, options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE);
    groups.set(options.groupId, { handler, maxBatchSize, queue: [], draining: false });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.topics.clear();
  }

  private deliver(topic: string, raw: Buffer, key: string | null) {
    const offset = this.offsets.get(topic) ?? 0;
    this.offsets.set(topic, offset + 1);
    const { envelope, error } = parseEnvelope(raw);
    const message: ReceivedMessage = { topic, partition: 0, offset: String(offset), key, raw, envelope, parseError: error };
    for (const group of this.topics.get(topic)?.values() ?? []) {
      group.queue.push(message);
      void this.drain(group);
    }
  }

  private async drain(group: Group) {
    if (group.draining) return;
    group.draining = true;
    let failures = 0;
    while (group.queue.length > 0 && !this.closed) {
      try {
        const batch = group.queue.slice(0, group.maxBatchSize);
        await group.handler(batch);
        group.queue.splice(0, batch.length);
        failures = 0;
      } catch (error) {
        failures++;
        this.log?.warn({ err: error, failures }, 'in-process consumer: handler failed, retrying');
        await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** failures, 2000)));
      }
    }
    group.draining = false;
  }
}
