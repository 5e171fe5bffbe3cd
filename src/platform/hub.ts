import type { Config } from './config';
import type { Database } from './db/database';
import type { ApiKeyService } from './auth/api-key.service';
import type { EventBus } from './kafka/event-bus';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { Outbox } from './outbox/outbox';
import type { DeadLetters } from './outbox/dead-letters';
import type { LivePubSub } from './pubsub';
import type { Scheduler } from './scheduler/scheduler';

/**
 * What the platform gives every module: storage, events, live updates, durable
 * timers, auth. It is also a tiny container: `hub.get(SomeService)` returns the
 * one instance of a class constructed with the hub, so services, resolvers and
 * consumers share state without a DI framework.
 */
export class Hub {
  private readonly instances = new Map<unknown, unknown>();
  private readonly stopHooks: Array<() => Promise<void> | void> = [];

  constructor(
    readonly config: Config,
    readonly log: Logger,
    readonly db: Database,
    readonly bus: EventBus,
    readonly pubsub: LivePubSub,
    readonly outbox: Outbox,
    readonly scheduler: Scheduler,
    readonly apiKeys: ApiKeyService,
    readonly metrics: Metrics,
    readonly deadLetters: DeadLetters,
  ) {}

  get<T>(type: new (hub: Hub) => T): T {
    let instance = this.instances.get(type) as T | undefined;
    if (!instance) {
      instance = new type(this);
      this.instances.set(type, instance);
    }
    return instance;
  }

  /** Modules register cleanup (consumers, timers) that runs on shutdown, before the database closes. */
  onStop(hook: () => Promise<void> | void): void {
    this.stopHooks.push(hook);
  }

  async runStopHooks(): Promise<void> {
    for (const hook of this.stopHooks.reverse()) {
      try {
        await hook();
      } catch (error) {
        this.log.error({ err: error }, 'stop hook failed');
      }
    }
  }
}

/**
 * A domain module: its tables, its GraphQL resolvers, and what it starts
 * (job handlers, Kafka consumers). The composition root lists the modules;
 * the platform never imports one.
 */
export interface HubModule {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: Function[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: Function[];
  /** Registers job handlers and scope expanders; runs before the scheduler and consumers start. */
  register?(hub: Hub): void | Promise<void>;
  /** Starts consumers; runs after every module registered. */
  start?(hub: Hub): void | Promise<void>;
  /** Extra HTTP routes (pages, CSV exports), mounted before GraphQL. Each route does its own auth. */
  routes?(hub: Hub): Array<{ path: string; router: import('express').Router }>;
  /** Demo data for a fresh embedded database. */
  seed?(hub: Hub, demo: DemoContext): Promise<void>;
}

/** Shared between module seeders so later modules can refer to earlier demo rows. */
export type DemoContext = Record<string, unknown>;
