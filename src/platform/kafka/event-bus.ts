import { randomUUID } from 'node:crypto';

/**
 * The wire envelope of every event the hub exchanges with support centres and
 * between its own instances. `key` is the partition key (an RMA number, an
 * incident id): events for one key stay ordered.
 */
export interface EventEnvelope<TPayload = unknown> {
  eventId: string;
  type: string;
  version: number;
  occurredAt: string; // ISO-8601 UTC
  source: string;
  key: string;
  payload: TPayload;
}

/** One message as received: the raw bytes are kept so a malformed one can be dead-lettered as-is. */
export interface ReceivedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  raw: Buffer | null;
  /** Parsed envelope, or null when the bytes are not a JSON envelope. */
  envelope: EventEnvelope | null;
  parseError?: string;
}

/**
 * Handles one message. The consumer commits the message's offset only after the
 * handler's promise resolves, so a handler must make its effect durable (and
 * idempotent by eventId) before it returns. A thrown error is retried.
 */
export type MessageHandler = (message: ReceivedMessage) => Promise<void>;

/**
 * Handles consecutive messages of one partition, in offset order, all or
 * nothing: the consumer commits their offsets only after the promise resolves,
 * and a thrown error redelivers every one of them (so the handler dedupes by
 * eventId, as a MessageHandler does). Lets a consumer make many messages
 * durable in one database transaction.
 */
export type BatchMessageHandler = (messages: ReceivedMessage[]) => Promise<void>;

/** Default upper bound of messages per batch handler call. */
export const DEFAULT_MAX_BATCH_SIZE = 50;

export interface SubscribeOptions {
  topic: string;
  /** Consumer group. Instances sharing a group split the partitions; a unique group sees every message. */
  groupId: string;
  /** Start from the earliest retained offset when the group has no committed offset (default true). */
  fromBeginning?: boolean;
}

export interface SubscribeBatchOptions extends SubscribeOptions {
  /** At most this many messages per handler call (default DEFAULT_MAX_BATCH_SIZE); fewer when fewer are waiting. */
  maxBatchSize?: number;
}

export interface EventBus {
  readonly kind: 'kafka' | 'in-process';
  connect(): Promise<void>;
  /** Resolves once the broker has acknowledged every message. */
  publish(topic: string, events: EventEnvelope[]): Promise<void>;
  subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<void>;
  /** Like subscribe, but the handler gets up to maxBatchSize consecutive messages of one partition at a time. */
  subscribeBatch(options: SubscribeBatchOptions, handler: BatchMessageHandler): Promise<void>;
  /** True when the producer is connected (used by /readyz). */
  isReady(): boolean;
  /** Flush the producer, stop consumers, disconnect. */
  close(): Promise<void>;
}

export function makeEnvelope<T>(
  fields: Pick<EventEnvelope<T>, 'type' | 'key' | 'payload' | 'source'> & Partial<EventEnvelope<T>>,
): EventEnvelope<T> {
  return {
    eventId: fields.eventId ?? randomUUID(),
    version: fields.version ?? 1,
    occurredAt: fields.occurredAt ?? new Date().toISOString(),
    ...fields,
  };
}

export function parseEnvelope(raw: Buffer | null): { envelope: EventEnvelope | null; error?: string } {
  if (!raw || raw.length === 0) return { envelope: null, error: 'empty message' };
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    return { envelope: null, error: `not JSON: ${(e as Error).message}` };
  }
  const v = value as Partial<EventEnvelope>;
  const missing = (['eventId', 'type', 'occurredAt', 'source', 'key'] as const).filter(
    (f) => typeof v?.[f] !== 'string' || (v[f] as string).length === 0,
  );
  if (typeof v?.version !== 'number') missing.push('version' as never);
  if (v && !('payload' in v)) missing.push('payload' as never);
  if (missing.length > 0) return { envelope: null, error: `envelope fields missing or invalid: ${missing.join(', ')}` };
  return { envelope: v as EventEnvelope };
}
