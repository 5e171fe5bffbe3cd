import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { HubApp, startHub } from '../../src/app';
import { Role } from '../../src/platform/auth/principal';
import { loadConfig } from '../../src/platform/config';
import { createLogger, type Logger } from '../../src/platform/logger';
import { createTestDatabase, TestDatabase } from './database';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; [k: string]: unknown }; path?: string[] }>;
}

export interface TestHub {
  app: HubApp;
  url: string;
  adminKey: string;
  db: TestDatabase;
  /** POSTs a GraphQL operation; returns the parsed body and the SQL statement count the hub reported. */
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    key?: string | null,
  ): Promise<GraphQLResponse<T> & { status: number; sqlStatements: number }>;
  /** Like gql but fails the test on any error and returns data. */
  ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<T>;
  createKey(role: Role, scopeId?: string | null): Promise<string>;
  wsClient(key: string | null): Client;
  /** Stops the hub; keeps the database unless `drop` (default true at the end of a suite). */
  stop(options?: { drop?: boolean }): Promise<void>;
}

export interface StartTestHubOptions {
  env?: Record<string, string>;
  /** Reuse a database (restart tests); a fresh one is created otherwise. */
  db?: TestDatabase;
  /** A logger to read what the hub logged (the default logs nothing). */
  log?: Logger;
}

export async function startTestHub(options: StartTestHubOptions = {}): Promise<TestHub> {
  const db = options.db ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '20',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SEED_DEMO: 'false',
    SCHEDULER_POLL_MS: '100',
    OUTBOX_POLL_MS: '50',
    ...options.env,
  });
  const app = await startHub(config, { log: options.log });
  const adminKey = (await app.hub.apiKeys.create({ role: Role.ADMIN, name: 'test admin' })).key;
  const url = app.url;
  const clients: Client[] = [];

  const gql: TestHub['gql'] = async (query, variables = {}, key = adminKey) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sql-statements': 'count', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as GraphQLResponse<any>;
    return { ...body, status: response.status, sqlStatements: Number(response.headers.get('x-sql-statements') ?? -1) };
  };

  return {
    app,
    url,
    adminKey,
    db,
    gql,
    ok: async (query, variables, key) => {
      const result = await gql(query, variables, key);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
      return result.data as any;
    },
    createKey: async (role, scopeId = null) => (await app.hub.apiKeys.create({ role, scopeId })).key,
    wsClient: (key) => {
      const client = createClient({
        url: `${url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: key ? { apiKey: key } : {},
        retryAttempts: 0,
        lazy: false,
        // Tests assert on refusals themselves; the default would print them to the console.
        onNonLazyError: () => undefined,
      });
      clients.push(client);
      return client;
    },
    stop: async ({ drop = true } = {}) => {
      for (const client of clients) await client.dispose();
      await app.stop();
      if (drop) await db.drop();
    },
  };
}

/** Collects a subscription's events until `count` arrived or the timeout passes. */
export function collect<T = any>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const events: Array<{ data?: T; errors?: GraphQLResponse['errors'] }> = [];
  let notify: (() => void) | null = null;
  let completed = false;
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        events.push(value as never);
        notify?.();
      },
      error: (error) => {
        events.push({ errors: Array.isArray(error) ? error : [{ message: String((error as Error)?.message ?? error) }] } as never);
        completed = true;
        notify?.();
      },
      complete: () => {
        completed = true;
        notify?.();
      },
    },
  );
  return {
    events,
    unsubscribe,
    async waitFor(count: number, timeoutMs = 10_000): Promise<typeof events> {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count && !completed && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          notify = resolve;
          setTimeout(resolve, Math.max(0, Math.min(200, deadline - Date.now())));
        });
      }
      return events;
    },
  };
}

/** Polls until the predicate holds (for effects that happen asynchronously: scheduler, consumers). */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
    last = await probe();
  }
  return last;
}

/** A logger whose JSON lines a test can read (`lines()`), at the given level. */
export function capturingLogger(level = 'info'): { log: Logger; lines: () => Array<Record<string, any>> } {
  const lines: Array<Record<string, any>> = [];
  const log = createLogger(level, {}, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines: () => lines };
}
