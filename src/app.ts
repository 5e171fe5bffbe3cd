import 'reflect-metadata';
import { migrations } from '../migrations';
import { modules as defaultModules } from './modules';
import { ApiKeyService, ScopeKinds } from './platform/auth/api-key.service';
import { Customer } from './modules/customers/customer.entity';
import { Depot } from './modules/inventory/depot.entity';
import { SupportCentre } from './modules/support-network/support-centre.entity';
import { Role } from './platform/auth/principal';
import type { Config } from './platform/config';
import { Database, openDatabase } from './platform/db/database';
import { platformEntities, platformResolvers } from './platform/entities';
import { buildSubgraph } from './platform/graphql/federation';
import { buildHubSchema, resolversOf } from './platform/graphql/schema';
import { createHttpServer, HttpServer } from './platform/http/server';
import { DemoContext, Hub, HubModule } from './platform/hub';
import type { EventBus } from './platform/kafka/event-bus';
import { InProcessEventBus } from './platform/kafka/in-process-event-bus';
import { KafkaEventBus } from './platform/kafka/kafka-event-bus';
import { createLogger, Logger } from './platform/logger';
import { Metrics } from './platform/metrics';
import { DeadLetters } from './platform/outbox/dead-letters';
import { Outbox } from './platform/outbox/outbox';
import { createLivePubSub } from './platform/pubsub';
import { Scheduler } from './platform/scheduler/scheduler';

export interface HubApp {
  hub: Hub;
  http: HttpServer;
  url: string;
  /** Keys printed for a newcomer when demo data was seeded. */
  demoKeys: Record<string, string> | null;
  stop(): Promise<void>;
}

export const allEntities = (modules: HubModule[] = defaultModules) => [...platformEntities, ...modules.flatMap((m) => m.entities)];

export function createEventBus(config: Config, log: Logger): EventBus {
  if (config.kafka.brokers.length === 0) return new InProcessEventBus(log.child({ component: 'bus' }));
  return new KafkaEventBus({
    brokers: config.kafka.brokers,
    clientId: `${config.kafka.clientId}-${config.instanceId}`,
    idempotent: config.kafka.idempotentProducer,
    logger: log.child({ component: 'kafka' }),
    consumer: {
      sessionTimeout: config.kafka.sessionTimeoutMs,
      heartbeatInterval: config.kafka.heartbeatMs,
      // Short long-polls keep live updates and shutdown quick; idle fetches are cheap.
      maxWaitTimeInMs: config.kafka.maxWaitMs,
    },
  });
}

/** What a tenant key's scope id must name, with the CLI flag that gives it. */
export const apiKeyScopeKinds: ScopeKinds = {
  [Role.CUSTOMER]: { entity: Customer, flag: '--org', noun: 'customer organisation' },
  [Role.PARTNER]: { entity: SupportCentre, flag: '--centre', noun: 'support centre' },
  [Role.WAREHOUSE]: { entity: Depot, flag: '--depot', noun: 'depot' },
};

export const createApiKeyService = (db: Database) => new ApiKeyService(db, apiKeyScopeKinds);

export async function openHubDatabase(config: Config, log: Logger, modules = defaultModules): Promise<Database> {
  return openDatabase(config, allEntities(modules), migrations, log.child({ component: 'db' }));
}

/**
 * Composition root: opens storage and the event bus, wires the modules, serves
 * GraphQL over HTTP and WebSocket, and starts the relay, the scheduler and the
 * consumers. `stop()` undoes it in reverse order.
 */
export async function startHub(config: Config, options: { modules?: HubModule[]; log?: Logger } = {}): Promise<HubApp> {
  const modules = options.modules ?? defaultModules;
  const log = options.log ?? createLogger(config.logLevel, { instance: config.instanceId });
  const metrics = new Metrics();
  const db = await openHubDatabase(config, log, modules);
  const bus = createEventBus(config, log);
  try {
    await bus.connect();
    if (bus instanceof KafkaEventBus && config.kafka.createTopics) {
      await bus.ensureTopics(Object.values(config.kafka.topics).map((topic) => ({ topic, numPartitions: 6 })));
    }
  } catch (error) {
    // The hub stays up without the broker: the outbox holds events until it is back.
    log.error({ err: error }, 'event bus not reachable at start; events wait in the outbox');
  }
  const pubsub = await createLivePubSub({
    bus: bus.kind === 'kafka' ? bus : null,
    topic: config.kafka.topics.live,
    instanceId: config.instanceId,
    log,
  });
  const outbox = new Outbox(db, bus, log.child({ component: 'outbox' }), config.instanceId, config.outboxPollMs);
  const scheduler = new Scheduler(db, log.child({ component: 'scheduler' }), config.instanceId, config.scheduler.pollMs);
  const apiKeys = createApiKeyService(db);
  const deadLetters = new DeadLetters(db, outbox, config.kafka.topics.deadLetter, config.instanceId, log);
  const hub = new Hub(config, log, db, bus, pubsub, outbox, scheduler, apiKeys, metrics, deadLetters);

  scheduler.onFired((job, lateMs) => metrics.schedulerLateness.observe({ kind: job.kind }, lateMs / 1000));
  metrics.gauge('hub_outbox_pending', 'Committed events not yet published', () => outbox.pendingCount());
  if (db.dialect === 'mysql') {
    const pool = () => (db.dataSource.driver as unknown as { pool?: { _allConnections?: unknown[]; _freeConnections?: unknown[] } }).pool;
    metrics.gauge('hub_db_pool_connections', 'Open database connections', () => pool()?._allConnections?.length ?? 0);
    metrics.gauge('hub_db_pool_idle', 'Idle database connections', () => pool()?._freeConnections?.length ?? 0);
  }

  for (const module of modules) await module.register?.(hub);

  const demoKeys = config.seedDemo ? await seedDemoIfEmpty(hub, modules) : null;

  // Served as a Federation 2 subgraph: the same API plus `_service` and `_entities`.
  const schema = buildSubgraph(await buildHubSchema(resolversOf(modules, platformResolvers), { hub, pubSub: pubsub }));
  const http = await createHttpServer(
    hub,
    schema,
    modules.flatMap((m) => m.routes?.(hub) ?? []),
  );
  const url = await http.listen(config.port, config.host);

  outbox.start();
  if (config.scheduler.enabled) scheduler.start();
  for (const module of modules) await module.start?.(hub);
  log.info({ url: `${url}/graphql`, database: db.dialect, bus: bus.kind }, 'service hub listening');

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('shutting down');
      await http.close();
      await scheduler.stop();
      await hub.runStopHooks();
      await outbox.drain(Math.min(2000, config.shutdownTimeoutMs));
      await outbox.stop();
      await bus.close().catch((error) => log.warn({ err: error }, 'event bus close failed'));
      await db.close();
      log.info('stopped');
    })());
  return { hub, http, url, demoKeys, stop };
}

/** Seeds demo data once, into a database that has never had an API key. */
async function seedDemoIfEmpty(hub: Hub, modules: HubModule[]): Promise<Record<string, string> | null> {
  if ((await hub.apiKeys.list()).length > 0) return null;
  const demo: DemoContext = {};
  for (const module of modules) await module.seed?.(hub, demo);
  const customers = demo.customers as { bank: { id: string } } | undefined;
  const admin = await hub.apiKeys.create({ role: Role.ADMIN, name: 'demo admin' });
  const keys: Record<string, string> = { ADMIN: admin.key };
  if (customers) {
    keys.CUSTOMER = (
      await hub.apiKeys.create({ role: Role.CUSTOMER, scopeId: customers.bank.id, name: 'demo customer (Huadong Commercial Bank)' })
    ).key;
  }
  const centre = (demo.centres as Record<string, { id: string }> | undefined)?.tier1;
  if (centre) keys.PARTNER = (await hub.apiKeys.create({ role: Role.PARTNER, scopeId: centre.id, name: 'demo partner centre' })).key;
  const depot = (demo.depots as Record<string, { id: string }> | undefined)?.shanghai;
  if (depot) keys.WAREHOUSE = (await hub.apiKeys.create({ role: Role.WAREHOUSE, scopeId: depot.id, name: 'demo depot' })).key;
  return keys;
}
