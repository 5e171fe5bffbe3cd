import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import type { EventBus, EventEnvelope } from './kafka/event-bus';
import { makeEnvelope } from './kafka/event-bus';
import type { Logger } from './logger';

/**
 * Live updates for GraphQL subscriptions. Events are dispatched locally at once;
 * when Kafka is configured they are also sent on the live topic, and every other
 * hub instance (each in its own consumer group) dispatches them to its own
 * subscribers. Payloads must be JSON-safe: they cross the broker.
 *
 * Each subscription buffers at most MAX_BACKLOG undelivered events. A subscriber
 * that falls further behind (a dashboard that stopped reading) is cut off: its
 * subscription ends and, for a WebSocket subscriber, its connection is dropped,
 * so one slow client can neither grow the hub's memory nor slow anyone else.
 */
export const MAX_BACKLOG = 256;

/** Live-topic message type: the updates one hub instance published in one turn, in order. */
export const LIVE_UPDATES = 'LiveUpdates';
/**
 * Updates per live-topic message. A snapshot is a few KB; 50 stay well under the
 * broker's default message limit (1 MB, message.max.bytes).
 */
export const UPDATES_PER_MESSAGE = 50;

interface LiveUpdate {
  /** The channels (routing key and id) the update is for. */
  types: string[];
  detail: unknown;
}

/** An async iterator that can always be ended by its consumer. */
export type LiveSubscription = AsyncIterableIterator<unknown> & { return(): Promise<IteratorResult<unknown>> };

export interface LivePubSub {
  /** `publish(topic, payload)` or `publish(topic, id, payload)` (delivered to `subscribe(topic, id)`). */
  publish(routingKey: string, ...args: [unknown] | [string | number, unknown]): void;
  /** `publish(topic, id, payload)` for each id: one message to the other instances, not one per id. */
  publishToEach(routingKey: string, ids: Iterable<string | number>, payload: unknown): void;
  subscribe(routingKey: string, id?: string | number): LiveSubscription;
}

/** What a transport does when one of its subscribers overflows (the WebSocket server terminates the socket). */
export interface SubscriberGuard {
  onOverflow(): void;
}
/** The transport runs GraphQL's subscribe inside this, so the pubsub knows whom to cut off. */
export const subscriberGuard = new AsyncLocalStorage<SubscriberGuard>();

class BridgedEventTarget extends EventTarget {
  constructor(private readonly forward: ((types: string[], detail: unknown) => void) | null) {
    super();
    setMaxListeners(0, this); // thousands of dashboards may watch one channel
  }
  publish(types: string[], detail: unknown): void {
    this.dispatchLocal(types, detail);
    this.forward?.(types, detail);
  }
  dispatchLocal(types: readonly string[], detail: unknown): void {
    for (const type of types) this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

function boundedSubscription(target: EventTarget, topic: string, guard: SubscriberGuard | undefined): LiveSubscription {
  const backlog: unknown[] = [];
  let waiting: ((result: IteratorResult<unknown>) => void) | null = null;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    target.removeEventListener(topic, listener);
    backlog.length = 0;
    waiting?.({ value: undefined, done: true });
    waiting = null;
  };
  // Never throws: it runs inside dispatchEvent, where an exception would be uncaught.
  function listener(event: Event) {
    if (finished) return;
    const value = (event as CustomEvent).detail;
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve({ value, done: false });
    } else if (backlog.length >= MAX_BACKLOG) {
      finish();
      guard?.onOverflow();
    } else {
      backlog.push(value);
    }
  }
  target.addEventListener(topic, listener);
  return {
    next: () => {
      if (backlog.length > 0) return Promise.resolve({ value: backlog.shift(), done: false });
      if (finished) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return: () => {
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw: (error) => {
      finish();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

export async function createLivePubSub(options: {
  bus: EventBus | null;
  topic: string;
  instanceId: string;
  log: Logger;
}): Promise<LivePubSub> {
  const { bus, topic, instanceId, log } = options;
  // Updates published in the same turn of the event loop go to the broker as a few messages of many updates each.
  let pending: LiveUpdate[] = [];
  const flush = (to: EventBus) => {
    const updates = pending;
    pending = [];
    const envelopes: EventEnvelope[] = [];
    for (let i = 0; i < updates.length; i += UPDATES_PER_MESSAGE) {
      const chunk = updates.slice(i, i + UPDATES_PER_MESSAGE);
      envelopes.push(makeEnvelope({ type: LIVE_UPDATES, key: chunk[0].types[0], source: instanceId, payload: { updates: chunk } }));
    }
    to.publish(topic, envelopes).catch((error) =>
      log.warn({ err: error, updates: updates.length }, 'live updates not forwarded to other instances'),
    );
  };
  const target = new BridgedEventTarget(
    bus
      ? (types, detail) => {
          if (pending.length === 0) setImmediate(() => flush(bus));
          pending.push({ types, detail });
        }
      : null,
  );
  if (bus) {
    await bus.subscribe({ topic, groupId: `live-${instanceId}`, fromBeginning: false }, async (message) => {
      const envelope = message.envelope;
      if (!envelope || envelope.source === instanceId) return;
      if (envelope.type === LIVE_UPDATES) {
        const { updates } = envelope.payload as { updates?: LiveUpdate[] };
        for (const update of Array.isArray(updates) ? updates : [])
          if (Array.isArray(update?.types)) target.dispatchLocal(update.types, update.detail);
      } else if (envelope.type === 'LiveUpdate') {
        // One update per message, as earlier hub versions send them (a rolling upgrade has both).
        const { type, types, detail } = envelope.payload as { type: string; types?: string[]; detail: unknown };
        target.dispatchLocal(Array.isArray(types) ? types : [type], detail);
      }
    });
  }
  return createTopicPubSub(target);
}

/** The pubsub over one event target; `createLivePubSub` adds the cross-instance bridge. */
export function createTopicPubSub(target: EventTarget = new BridgedEventTarget(null)): LivePubSub {
  const bridged = target instanceof BridgedEventTarget ? target : null;
  return {
    publish(routingKey, ...args) {
      const topic = args.length === 2 ? `${routingKey}:${args[0]}` : routingKey;
      const payload = args.length === 2 ? args[1] : args[0];
      if (bridged) bridged.publish([topic], payload);
      else target.dispatchEvent(new CustomEvent(topic, { detail: payload }));
    },
    publishToEach(routingKey, ids, payload) {
      const topics = [...ids].map((id) => `${routingKey}:${id}`);
      if (topics.length === 0) return;
      if (bridged) bridged.publish(topics, payload);
      else for (const topic of topics) target.dispatchEvent(new CustomEvent(topic, { detail: payload }));
    },
    subscribe(routingKey, id) {
      const topic = id === undefined ? routingKey : `${routingKey}:${id}`;
      return boundedSubscription(target, topic, subscriberGuard.getStore());
    },
  };
}
