import { createPubSub, PubSub as YogaPubSub } from '@graphql-yoga/subscription';
import type { EventBus } from './kafka/event-bus';
import { makeEnvelope } from './kafka/event-bus';
import type { Logger } from './logger';

/**
 * Live updates for GraphQL subscriptions. Events are dispatched locally at once;
 * when Kafka is configured they are also sent on the live topic, and every other
 * hub instance (each in its own consumer group) dispatches them to its own
 * subscribers. Payloads must be JSON-safe: they cross the broker.
 */
class BridgedEventTarget extends EventTarget {
  constructor(
    private readonly forward: ((type: string, detail: unknown) => void) | null,
  ) {
    super();
  }
  override dispatchEvent(event: Event): boolean {
    const result = super.dispatchEvent(event);
    this.forward?.(event.type, (event as CustomEvent).detail);
    return result;
  }
  dispatchLocal(type: string, detail: unknown): void {
    super.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

export type LivePubSub = YogaPubSub<Record<string, [string, unknown]>>;

export async function createLivePubSub(options: {
  bus: EventBus | null;
  topic: string;
  instanceId: string;
  log: Logger;
}): Promise<LivePubSub> {
  const { bus, topic, instanceId, log } = options;
  const target = new BridgedEventTarget(
    bus
      ? (type, detail) => {
          bus
            .publish(topic, [makeEnvelope({ type: 'LiveUpdate', key: type, source: instanceId, payload: { type, detail } })])
            .catch((error) => log.warn({ err: error }, 'live update not forwarded to other instances'));
        }
      : null,
  );
  if (bus) {
    await bus.subscribe({ topic, groupId: `live-${instanceId}`, fromBeginning: false }, async (message) => {
      const envelope = message.envelope;
      if (!envelope || envelope.source === instanceId || envelope.type !== 'LiveUpdate') return;
      const { type, detail } = envelope.payload as { type: string; detail: unknown };
      target.dispatchLocal(type, detail);
    });
  }
  return createPubSub<Record<string, [string, unknown]>>({ eventTarget: target as never });
}
