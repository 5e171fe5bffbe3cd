import client from 'prom-client';

/** One registry per hub (tests run several hubs in a process). */
export class Metrics {
  readonly registry = new client.Registry();
  readonly graphqlRequests = new client.Counter({
    name: 'hub_graphql_requests_total',
    help: 'GraphQL operations by name, type and outcome',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly graphqlDuration = new client.Histogram({
    name: 'hub_graphql_request_duration_seconds',
    help: 'GraphQL operation duration by name and type',
    labelNames: ['operation', 'type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly schedulerLateness = new client.Histogram({
    name: 'hub_scheduler_lateness_seconds',
    help: 'How late durable jobs (SLA warnings, escalations, hold expiries) fired after their due time',
    labelNames: ['kind'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });
  readonly eventsConsumed = new client.Counter({
    name: 'hub_events_consumed_total',
    help: 'Inbound events by topic and outcome (applied, duplicate, held, dead_lettered; refused: a GraphQL submission answered with an error)',
    labelNames: ['topic', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly rateLimited = new client.Counter({
    name: 'hub_rate_limited_total',
    help: 'Requests refused with 429 RATE_LIMITED, by the role of the key (ANONYMOUS: no valid key)',
    labelNames: ['role'] as const,
    registers: [this.registry],
  });
  readonly wsConnections = new client.Gauge({
    name: 'hub_websocket_connections',
    help: 'Open graphql-ws connections',
    registers: [this.registry],
  });

  constructor() {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'hub_' });
  }

  /** Adds a gauge whose value is read at scrape time (DB pool, outbox backlog, Kafka lag). */
  gauge(name: string, help: string, read: () => number | Promise<number>, labelNames: string[] = []): void {
    new client.Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }
}
