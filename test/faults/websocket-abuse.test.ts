/**
 * WebSocket (graphql-transport-ws) abuse: malformed protocol messages, subscribe
 * churn, a client that never reads, and a reconnect storm. Each is contained to
 * its own connection; other subscribers keep receiving everything.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Role } from '../../src/platform/auth/principal';
import { createTestDatabase } from '../support/database';
import { collect, eventually, startTestHub, type TestHub } from '../support/hub';
import { spawnHubProcess } from '../support/hub-process';
import { rawWs } from '../support/raw-ws';

const NOTICE = 'subscription { noticePublished { id title customerId } }';
const MAX_BUFFERED = 64 * 1024;

describe('WebSocket abuse', () => {
  let t: TestHub;
  let wsUrl: string;
  let customers: string[];
  let customerKey: string;

  const publish = (title: string, ids = customers.slice(0, 1), body = 'b') =>
    t.ok(
      `mutation($ids: [ID!]!, $title: String!, $body: String!) { publishNotice(input: { customerIds: $ids, kind: SERVICE_INFO, title: $title, body: $body }) { id } }`,
      {
        ids,
        title,
        body,
      },
    );
  const openConnections = async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    return Number(/^hub_websocket_connections (\d+)/m.exec(text)?.[1] ?? NaN);
  };
  /** The gauge once connections closed by earlier steps have been counted out (two equal readings 300 ms apart). */
  const settledConnections = async () => {
    let last = await openConnections();
    for (;;) {
      await new Promise((r) => setTimeout(r, 300));
      const now = await openConnections();
      if (now === last) return now;
      last = now;
    }
  };

  beforeAll(async () => {
    t = await startTestHub();
    wsUrl = `${t.url.replace('http', 'ws')}/graphql`;
    customers = [];
    for (let i = 0; i < 20; i++)
      customers.push(
        (
          await t.ok(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }`, {
            i: { code: `WS-${i}`, name: `WS customer ${i}` },
          })
        ).createCustomer.id,
      );
    customerKey = await t.createKey(Role.CUSTOMER, customers[0]);
  });
  afterAll(() => t?.stop());

  it('closes a connection that breaks the protocol with the protocol close code, and only that one', async () => {
    const bystander = collect(t.wsClient(t.adminKey), NOTICE);
    await new Promise((r) => setTimeout(r, 300));

    const cases: Array<[string, (c: Awaited<ReturnType<typeof rawWs>>) => Promise<void> | void, number]> = [
      ['not JSON', (c) => c.send('this is not json{'), 4400],
      ['binary garbage', (c) => c.send(Buffer.from([0, 255, 1, 254])), 4400],
      [
        'unknown message type',
        async (c) => {
          await c.init(t.adminKey);
          c.send({ type: 'hello' });
        },
        4400,
      ],
      ['subscribe before connection_init', (c) => c.send({ id: '1', type: 'subscribe', payload: { query: NOTICE } }), 4401],
      ['unknown API key', (c) => c.send({ type: 'connection_init', payload: { apiKey: 'shk_nope' } }), 4403],
      [
        'second connection_init',
        async (c) => {
          await c.init(t.adminKey);
          c.send({ type: 'connection_init', payload: { apiKey: t.adminKey } });
        },
        4429,
      ],
      [
        'subscribe without id or payload',
        async (c) => {
          await c.init(t.adminKey);
          c.send({ type: 'subscribe' });
        },
        4400,
      ],
      [
        'the same subscription id twice',
        async (c) => {
          await c.init(t.adminKey);
          c.send({ id: 'dup', type: 'subscribe', payload: { query: NOTICE } });
          c.send({ id: 'dup', type: 'subscribe', payload: { query: NOTICE } });
        },
        4409,
      ],
      [
        'a frame over the 256 kB limit',
        (c) => c.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(300 * 1024) } })),
        1009,
      ],
    ];
    for (const [name, abuse, code] of cases) {
      const c = await rawWs(wsUrl);
      await abuse(c);
      expect({ name, code: (await c.closed).code }).toEqual({ name, code });
    }
    // A legacy subprotocol is refused at the handshake (the server picks none; the client aborts or is closed 4406).
    const legacy = await rawWs(wsUrl, 'graphql-ws');
    expect([4406, 1002, 1006]).toContain((await legacy.closed).code);
    expect(legacy.messages).toEqual([]);
    // Silence after connecting: closed when the init wait runs out (graphql-ws default 3 s).
    const silent = await rawWs(wsUrl);
    expect((await silent.closed).code).toBe(4408);
    // An operation the server refuses (invalid, or over a limit) is an error message on that id; the
    // connection and its other subscriptions stay up.
    const c = await rawWs(wsUrl);
    await c.init(t.adminKey);
    c.send({ id: 'keep', type: 'subscribe', payload: { query: NOTICE } });
    const refused: Array<[string, string, string]> = [
      ['invalid', 'subscription { noSuchField }', 'GRAPHQL_VALIDATION_FAILED'],
      ['syntax', 'subscription { noticePublished { id', 'GRAPHQL_PARSE_FAILED'],
      ['deep', `subscription { rmaUpdated { ${'centre { parent { '.repeat(6)} id ${'} } '.repeat(6)} } }`, 'QUERY_TOO_DEEP'],
      [
        'aliases',
        `subscription { noticePublished { ${Array.from({ length: 40 }, (_, i) => `a${i}: id`).join(' ')} } }`,
        'TOO_MANY_ALIASES',
      ],
      ['directives', `subscription { noticePublished { ${'id @include(if: true) '.repeat(60)} } }`, 'TOO_MANY_DIRECTIVES'],
      ['tokens', `subscription { noticePublished { ${'id '.repeat(3000)} } }`, 'TOO_MANY_TOKENS'],
    ];
    for (const [id, q] of refused) c.send({ id, type: 'subscribe', payload: { query: q } });
    await c.waitFor((m) => m.filter((x) => x.type === 'error').length === refused.length);
    const codes = Object.fromEntries(c.messages.filter((x) => x.type === 'error').map((x) => [x.id, x.payload[0].extensions.code]));
    expect(codes).toEqual(Object.fromEntries(refused.map(([id, , code]) => [id, code])));
    expect(c.isClosed()).toBe(false);

    await publish('after the abuse');
    const events = await bystander.waitFor(1);
    expect(events.map((e) => e.data?.noticePublished.title)).toEqual(['after the abuse']);
    await c.waitFor((m) => m.some((x) => x.id === 'keep' && x.type === 'next'));
    c.close();
  }, 30_000);

  it('survives subscribe/complete churn: no stale subscription keeps receiving', async () => {
    const c = await rawWs(wsUrl);
    await c.init(customerKey);
    for (let i = 0; i < 500; i++) {
      c.send({ id: `s${i}`, type: 'subscribe', payload: { query: NOTICE } });
      if (i % 10 === 0) c.send({ id: `v${i}`, type: 'subscribe', payload: { query: 'subscription { nope }' } });
      c.send({ id: `s${i}`, type: 'complete' });
    }
    c.send({ id: 'final', type: 'subscribe', payload: { query: NOTICE } });
    // Give the server time to process the whole burst before publishing.
    await c.waitFor((m) => m.filter((x) => x.type === 'error').length === 50);
    await new Promise((r) => setTimeout(r, 500));
    await publish('after churn');
    await c.waitFor((m) => m.some((x) => x.type === 'next'));
    await new Promise((r) => setTimeout(r, 500));
    const next = c.messages.filter((x) => x.type === 'next');
    expect(next.map((x) => x.id)).toEqual(['final']);
    expect(next[0].payload.data.noticePublished.title).toBe('after churn');
    c.close();
  }, 30_000);

  /**
   * The slow reader runs against a hub in its own process: if the hub dies of it, the test sees the exit
   * (and its output) instead of losing the jest worker.
   */
  it('drops a client that stops reading once its backlog passes WS_MAX_BUFFERED_BYTES; the hub and other clients carry on', async () => {
    const db = await createTestDatabase();
    const setup = await startTestHub({ db });
    const adminKey = setup.adminKey;
    const ids: string[] = [];
    for (let i = 0; i < 20; i++)
      ids.push(
        (
          await setup.ok(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }`, {
            i: { code: `SLOW-${i}`, name: `Slow ${i}` },
          })
        ).createCustomer.id,
      );
    await setup.stop({ drop: false });
    const hub = await spawnHubProcess({ DATABASE_URL: db.url, MIGRATIONS_RUN: 'false', WS_MAX_BUFFERED_BYTES: String(MAX_BUFFERED) });
    const url = `${hub.url.replace('http', 'ws')}/graphql`;
    const healthyClient = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { apiKey: adminKey },
      retryAttempts: 0,
      lazy: false,
    });
    try {
      const slow = await rawWs(url);
      await slow.init(adminKey);
      // The slow reader asks for the 19 kB bodies; the healthy one only for titles.
      slow.send({ id: 'all', type: 'subscribe', payload: { query: 'subscription { noticePublished { id title body } }' } });
      const healthy = collect(healthyClient, NOTICE);
      await new Promise((r) => setTimeout(r, 500));
      slow.pauseReading();

      // Bursts of 19 kB notices to every customer (staff subscriptions get them all): 1,300 events, ~25 MB
      // for the slow reader, far beyond the 64 kB cap once the loopback socket buffers (~4 MB) are full.
      const body = 'n'.repeat(19_000);
      let published = 0;
      for (let round = 0; round < 65 && !hub.exited(); round++) {
        const r = await fetch(`${hub.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
          body: JSON.stringify({
            query: `mutation($ids: [ID!]!, $t: String!, $b: String!) { publishNotice(input: { customerIds: $ids, kind: SERVICE_INFO, title: $t, body: $b }) { id } }`,
            variables: { ids, t: `burst ${round}`, b: body },
          }),
        }).catch((error: unknown) => ({ ok: false, error }));
        if (!r.ok) break;
        published += ids.length;
      }
      await new Promise((r) => setTimeout(r, 1_000)); // a crash shows as an exit by now
      expect({ alive: !hub.exited(), tail: hub.exited() ? hub.tail().slice(-1500) : '' }).toEqual({ alive: true, tail: '' });

      // The healthy subscriber got every notice.
      const events = await healthy.waitFor(published, 30_000);
      expect(events.length).toBe(published);
      // The slow one was dropped: once it reads again it finds the connection gone, short of the events.
      slow.resumeReading();
      const closed = await Promise.race([slow.closed, new Promise<null>((r) => setTimeout(() => r(null), 20_000))]);
      expect(closed).not.toBeNull();
      expect(slow.messages.filter((m) => m.type === 'next').length).toBeLessThan(published);
    } finally {
      await healthyClient.dispose();
      await hub.kill();
      await db.drop();
    }
  }, 90_000);

  it('takes 500 clients reconnecting at once, and then serves each of them exactly once per event', async () => {
    const N = 500;
    const base = await settledConnections();
    const connect = () =>
      new Promise<Client>((resolve, reject) => {
        const client = createClient({
          url: wsUrl,
          webSocketImpl: WebSocket,
          connectionParams: { apiKey: customerKey },
          retryAttempts: 0,
          lazy: false,
          onNonLazyError: reject,
          on: { connected: () => resolve(client) },
        });
      });
    // Three rounds: all connect, all drop without a goodbye (as after a network blip), all reconnect.
    let clients: Client[] = [];
    for (let round = 0; round < 3; round++) {
      clients = await Promise.all(Array.from({ length: N }, connect));
      expect(await openConnections()).toBe(base + N);
      if (round < 2) {
        for (const client of clients) client.terminate();
        await eventually(openConnections, (n) => n === base, 15_000, 100);
      }
    }
    const received = clients.map(() => [] as string[]);
    const subscriptions = clients.map((client, i) =>
      client.subscribe<{ noticePublished: { title: string } }>(
        { query: NOTICE },
        {
          next: (v) => received[i].push(v.data!.noticePublished.title),
          error: (e) => received[i].push(`error ${JSON.stringify(e)}`),
          complete: () => undefined,
        },
      ),
    );
    await new Promise((r) => setTimeout(r, 1_000));
    await publish('to all');
    await eventually(
      async () => received.filter((r) => r.length > 0).length,
      (n) => n === N,
      20_000,
      100,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(new Set(received.map((r) => r.join('|')))).toEqual(new Set(['to all']));
    subscriptions.forEach((unsubscribe) => unsubscribe());
    await Promise.all(clients.map((client) => client.dispose()));
    await eventually(openConnections, (n) => n === base, 15_000, 100);
    // And HTTP still answers.
    expect((await t.gql('{ me { role } }')).data?.me.role).toBe('ADMIN');
  }, 60_000);
});
