/**
 * Rough numbers for the connectors (not part of `npm run bench`):
 *   node -r @swc-node/register bench/connectors.ts [--db mysql://root@127.0.0.1:3306/]
 * - webhook delivery throughput: hub events written through the outbox, delivered to one local receiver;
 * - alert ingest rate: Alertmanager-shaped POSTs, 20 at a time, for open incidents (deduplicated) and
 *   for devices without one (each opens an incident).
 * Hub, receiver and load run in this one process (a rough measure; the hub competes with its load).
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { startHub } from '../src/app';
import { Role } from '../src/platform/auth/principal';
import { loadConfig } from '../src/platform/config';
import { makeEnvelope } from '../src/platform/kafka/event-bus';

const EVENTS = 5000;
const AGGREGATES = 200;
const ALERTS = 3000;
const NEW_DEVICES = 300;
const CONCURRENCY = 20;

async function database(): Promise<{ url: string; drop: () => Promise<void> }> {
  const arg = process.argv.indexOf('--db');
  const mysql = arg > 0 ? process.argv[arg + 1] : undefined;
  if (!mysql) {
    const dir = mkdtempSync(join(tmpdir(), 'hub-bench-connectors-'));
    return { url: `sqlite:${join(dir, 'hub.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const base = new URL(mysql);
  const name = `hub_bench_connectors_${Date.now().toString(36)}`;
  const admin = () =>
    createConnection({
      host: base.hostname,
      port: Number(base.port || 3306),
      user: base.username || 'root',
      password: decodeURIComponent(base.password),
    });
  const c = await admin();
  await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await c.end();
  const url = new URL(mysql);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const d = await admin();
      await d.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await d.end();
    },
  };
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

async function main(): Promise<void> {
  const db = await database();
  const app = await startHub(
    loadConfig({
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      CONNECTOR_SECRET_KEY: 'bench-connector-secret-key-0123456789',
      WEBHOOK_ALLOW_TARGET_RANGES: 'loopback',
      ALERT_RATE_LIMIT_PER_MINUTE: '1000000',
      ALERT_REPEAT_TIMELINE_EVERY: 'PT1H',
    }),
  );
  try {
    const key = (await app.hub.apiKeys.create({ role: Role.ADMIN, name: 'bench' })).key;
    const gql = async (query: string, variables: Record<string, unknown>) => {
      const r = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await r.json()) as { data: Record<string, any>; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };

    // ---- webhook delivery throughput
    let received = 0;
    let allIn: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allIn = resolve));
    const receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(204).end();
        if (++received === EVENTS) allIn();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await gql(`mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }`, {
      i: { url, eventTypes: ['incident.*'] },
    });
    const started = performance.now();
    for (let i = 0; i < EVENTS; i += 100)
      await app.hub.db.transaction((tx) =>
        app.hub.outbox.enqueue(
          tx,
          app.hub.config.kafka.topics.hubEvents,
          Array.from({ length: 100 }, (_, j) =>
            makeEnvelope({ type: 'IncidentEscalated', key: `inc-${(i + j) % AGGREGATES}`, source: 'bench', payload: { step: i + j } }),
          ),
        ),
      );
    const written = performance.now();
    await done;
    const seconds = (performance.now() - started) / 1000;
    receiver.close();

    // ---- alert ingest
    const customerId = (
      await gql(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }`, { i: { code: 'BENCH', name: 'Bench' } })
    ).createCustomer.id;
    const siteId = (
      await gql(`mutation($i: CreateSiteInput!) { createSite(input: $i) { id } }`, {
        i: { customerId, name: 'DC', city: 'Shanghai', region: 'CN-EAST' },
      })
    ).createSite.id;
    const targets = ['P1', 'P2', 'P3', 'P4'].map((severity) => ({
      severity,
      response: 'PT1H',
      restore: 'PT4H',
      onSite: { urban: 'PT2H', suburban: 'PT2H', remote: 'PT2H' },
    }));
    const contractId = (
      await gql(`mutation($i: CreateContractInput!) { createContract(input: $i) { id } }`, {
        i: {
          code: 'C-BENCH',
          name: 'Bench',
          kind: 'POST_WARRANTY',
          customerId,
          coverage: { type: 'SEVEN_BY_24', windows: [] },
          targets,
          emergencyProgressInterval: 'PT1H',
        },
      })
    ).createContract.id;
    await gql(`mutation($c: ID!, $cu: ID) { assignContract(contractId: $c, customerId: $cu) { id } }`, { c: contractId, cu: customerId });
    const serials = Array.from({ length: NEW_DEVICES + 1 }, (_, i) => `SN-BENCH-${i}`);
    for (const serialNumber of serials)
      await gql(`mutation($i: RegisterDeviceInput!) { registerDevice(input: $i) { id } }`, {
        i: { serialNumber, vendor: 'Dell', model: 'R750', siteId },
      });
    const created = (
      await gql(`mutation($i: CreateAlertConnectorInput!) { createAlertConnector(input: $i) { secret ingestPath } }`, {
        i: { customerId, name: 'bench', format: 'ALERTMANAGER' },
      })
    ).createAlertConnector;
    const post = async (serial: string, fingerprint: string) => {
      const body = JSON.stringify({
        version: '4',
        groupKey: `{}:{alertname="Bench",serial="${serial}"}`,
        status: 'firing',
        receiver: 'hub',
        groupLabels: {},
        commonLabels: {},
        commonAnnotations: {},
        externalURL: '',
        truncatedAlerts: 0,
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'Bench', severity: 'warning', serial },
            annotations: { summary: 'bench' },
            startsAt: new Date().toISOString(),
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: '',
            fingerprint,
          },
        ],
      });
      const r = await fetch(`${app.url}${created.ingestPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${created.secret}` },
        body,
      });
      if (r.status !== 202) throw new Error(`ingest answered ${r.status}: ${await r.text()}`);
      await r.arrayBuffer();
    };
    await post(serials[0], 'warm');
    const dedupStart = performance.now();
    await pool(
      Array.from({ length: ALERTS }, (_, i) => i),
      CONCURRENCY,
      (i) => post(serials[0], `f${i % 50}`),
    );
    const dedupSeconds = (performance.now() - dedupStart) / 1000;
    const openStart = performance.now();
    await pool(serials.slice(1), CONCURRENCY, (serial) => post(serial, `o-${serial}`));
    const openSeconds = (performance.now() - openStart) / 1000;

    console.log(
      JSON.stringify(
        {
          database: app.hub.db.dialect,
          webhookDeliveries: {
            events: EVENTS,
            aggregates: AGGREGATES,
            endpoints: 1,
            writeSeconds: +((written - started) / 1000).toFixed(2),
            seconds: +seconds.toFixed(2),
            perSecond: Math.round(EVENTS / seconds),
          },
          alertIngestDeduplicated: {
            alerts: ALERTS,
            concurrency: CONCURRENCY,
            seconds: +dedupSeconds.toFixed(2),
            perSecond: Math.round(ALERTS / dedupSeconds),
          },
          alertIngestOpening: {
            alerts: NEW_DEVICES,
            concurrency: CONCURRENCY,
            seconds: +openSeconds.toFixed(2),
            perSecond: Math.round(NEW_DEVICES / openSeconds),
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await app.stop();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
