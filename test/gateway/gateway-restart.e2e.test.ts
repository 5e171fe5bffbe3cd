import { join, resolve } from 'node:path';
import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Gateway, startGateway } from '../../src/gateway/gateway';
import type { SourcesFile } from '../../src/gateway/sources';
import { assignToCustomer, CALM_7X24, createContract, createWorld, report, World } from '../incidents/fixtures';
import { createTestDatabase, TestDatabase } from '../support/database';
import { collect, eventually, GraphQLResponse, startTestHub, TestHub } from '../support/hub';

const ROOT = resolve(__dirname, '../..');

const hubSource = (hubUrl: string): SourcesFile => ({
  sources: [
    {
      name: 'hub',
      kind: 'federation',
      url: hubUrl,
      sdlFile: join(ROOT, 'schema/hub.subgraph.graphql'),
      forwardAuthorization: true,
      subscriptions: true,
      timeoutMs: 10_000,
    },
  ],
  joins: [],
});

const UPDATES = `subscription { incidentUpdated { kind incident { id } } }`;
const PROGRESS = `mutation($id: ID!, $m: String!) { postIncidentProgress(id: $id, message: $m) { id } }`;

/**
 * §6: the hub restarts (same database, same port) under a running gateway. A subscription through
 * the gateway ends with an error naming the hub (the client subscribes again: updates made while the
 * hub was away are not replayed, so a silent resume would hide them); queries work again without
 * restarting the gateway, and so do new subscriptions.
 */
describe('the hub restarting under the gateway', () => {
  let db: TestDatabase;
  let hub: TestHub;
  let w: World;
  let gateway: Gateway;
  let incidentId: string;
  const clients: Client[] = [];

  const viaGateway = async (query: string) => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${w.keyA}` },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, ...((await response.json()) as GraphQLResponse) };
  };
  const client = () => {
    const c = createClient({
      url: gateway.url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${w.keyA}` },
      retryAttempts: 0,
    });
    clients.push(c);
    return c;
  };
  /** Posts progress until the subscription saw an update (it reaches the hub some time after it is opened). */
  const progressUntilSeen = async (updates: ReturnType<typeof collect>, seen: number) =>
    eventually(
      async () => {
        const post = () => hub.ok(PROGRESS, { id: incidentId, m: `update ${seen}` });
        // Once more after a failed fetch: a pooled connection the hub closed while idle (the gateway starting) fails one try.
        await post().catch((error: Error) => (error.message === 'fetch failed' ? post() : Promise.reject(error)));
        return updates.waitFor(seen + 1, 500);
      },
      (events) => events.length > seen,
      20_000,
      0,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    hub = await startTestHub({ db });
    w = await createWorld(hub);
    await assignToCustomer(hub, await createContract(hub, { plan: CALM_7X24 }), w.customerA);
    incidentId = (await report(hub, { deviceSerial: w.deviceA1.serial }, w.keyA)).id;
    gateway = await startGateway({ sources: hubSource(`${hub.url}/graphql`), port: 0, host: '127.0.0.1', logLevel: false });
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await gateway?.close();
    await hub?.stop({ drop: false });
    await db?.drop();
  });

  it('ends the subscription with an error naming the hub, and serves queries and new subscriptions after the restart', async () => {
    // The subscription is the gateway's first operation: it must not depend on an earlier HTTP request.
    const before = collect(client(), UPDATES);
    const [first] = await progressUntilSeen(before, 0);
    expect(first).toEqual({ data: { incidentUpdated: { kind: 'PROGRESS_POSTED', incident: { id: incidentId } } } });
    expect((await viaGateway(`{ incidents(first: 5) { edges { node { id } } } }`)).errors).toBeUndefined();

    const port = new URL(hub.url).port;
    await hub.stop({ drop: false });
    const ended = await before.waitFor(2, 15_000);
    expect(ended).toHaveLength(2);
    expect(ended[1].data ?? null).toBeNull();
    expect(ended[1].errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^hub: the subscription ended: .*subscribe again/),
        extensions: expect.objectContaining({ code: 'SOURCE_UNAVAILABLE', serviceName: 'hub' }),
      }),
    ]);

    // While the hub is away: an answer with an error, not a crash of the gateway.
    const away = await viaGateway(`{ incidents(first: 5) { edges { node { id } } } }`);
    expect(away.status).toBe(200);
    expect(away.data?.incidents ?? null).toBeNull();
    expect(away.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^hub: /), extensions: { code: 'SOURCE_UNAVAILABLE', serviceName: 'hub' } }),
    ]);
    expect(JSON.stringify(away)).not.toContain(new URL(gateway.url).hostname); // no upstream address or request

    hub = await startTestHub({ db, env: { PORT: port } });
    const again = await viaGateway(`{ incidents(first: 5) { edges { node { id } } } }`);
    expect(again.errors).toBeUndefined();
    expect(again.data?.incidents.edges).toEqual([{ node: { id: incidentId } }]);

    const after = collect(client(), UPDATES);
    const [resumed] = await progressUntilSeen(after, 0);
    expect(resumed).toEqual({ data: { incidentUpdated: { kind: 'PROGRESS_POSTED', incident: { id: incidentId } } } });
    after.unsubscribe();
  }, 90_000);
});
