import { Role } from '../../src/platform/auth/principal';
import { collect, startTestHub, TestHub } from '../support/hub';

describe('GraphQL API over HTTP and WebSocket', () => {
  let t: TestHub;
  let customerA: string;
  let customerB: string;

  beforeAll(async () => {
    t = await startTestHub();
    const create = (code: string) =>
      t.ok(`mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }`, {
        input: { code, name: `Customer ${code}` },
      });
    customerA = (await create('CUST-A')).createCustomer.id;
    customerB = (await create('CUST-B')).createCustomer.id;
  });
  afterAll(() => t?.stop());

  it('answers UNAUTHENTICATED without a key and with an unknown key', async () => {
    const none = await t.gql('{ customers { id } }', {}, null);
    expect(none.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const bogus = await t.gql('{ customers { id } }', {}, 'shk_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb');
    expect(bogus.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers FORBIDDEN when the role may not call a mutation', async () => {
    const customerKey = await t.createKey(Role.CUSTOMER, customerA);
    const result = await t.gql(`mutation { createCustomer(input: { code: "X-1", name: "x" }) { id } }`, {}, customerKey);
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('scopes a CUSTOMER key to its own organisation', async () => {
    const customerKey = await t.createKey(Role.CUSTOMER, customerA);
    const list = await t.ok<{ customers: { id: string }[] }>('{ customers { id } }', {}, customerKey);
    expect(list.customers.map((c) => c.id)).toEqual([customerA]);
    const other = await t.gql(`query($id: ID!) { customer(id: $id) { id } }`, { id: customerB }, customerKey);
    expect(other.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('rejects bad input with BAD_USER_INPUT and stores nothing', async () => {
    const bad = await t.gql(`mutation { createCustomer(input: { code: "lower case", name: "" }) { id } }`);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const all = await t.ok<{ customers: { id: string }[] }>('{ customers { id } }');
    expect(all.customers).toHaveLength(2);
    const wrongType = await t.gql(`query($id: ID!) { customer(id: $id) { id } }`, { id: { nested: true } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('rejects a deeply nested query with QUERY_TOO_DEEP', async () => {
    const deep = `{ sites { ${'customer { sites { '.repeat(8)} id ${'} } '.repeat(8)} } }`;
    const result = await t.gql(deep);
    expect(result.errors?.[0].extensions?.code).toBe('QUERY_TOO_DEEP');
  });

  it('rejects an alias bomb with TOO_MANY_ALIASES', async () => {
    const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: customers { id }`).join(' ');
    const result = await t.gql(`{ ${aliases} }`);
    expect(result.errors?.[0].extensions?.code).toBe('TOO_MANY_ALIASES');
  });

  it('rejects an oversized document with a clear code', async () => {
    const huge = `{ customers { id ${' name'.repeat(5000)} } }`;
    const result = await t.gql(huge);
    expect(['TOO_MANY_TOKENS', 'DOCUMENT_TOO_LARGE']).toContain(result.errors?.[0].extensions?.code);
  });

  it('delivers subscription events over graphql-ws to the right customer only', async () => {
    const keyA = await t.createKey(Role.CUSTOMER, customerA);
    const keyB = await t.createKey(Role.CUSTOMER, customerB);
    const subA = collect(t.wsClient(keyA), 'subscription { noticePublished { title customerId } }');
    const subB = collect(t.wsClient(keyB), 'subscription { noticePublished { title customerId } }');
    const staff = collect(t.wsClient(t.adminKey), 'subscription { noticePublished { title customerId } }');
    await new Promise((r) => setTimeout(r, 300));
    await t.ok(
      `mutation($ids: [ID!]!) { publishNotice(input: { customerIds: $ids, kind: MAINTENANCE_WINDOW, title: "Firmware upgrade", body: "Saturday 02:00-04:00" }) { id } }`,
      { ids: [customerA] },
    );
    const [eventA] = await subA.waitFor(1);
    expect(eventA.data).toEqual({ noticePublished: { title: 'Firmware upgrade', customerId: customerA } });
    expect((await staff.waitFor(1))[0].data?.noticePublished.customerId).toBe(customerA);
    await new Promise((r) => setTimeout(r, 300));
    expect(subB.events).toHaveLength(0);
  });

  it('refuses a WebSocket connection without a valid key', async () => {
    const closed = new Promise<number>((resolve) => {
      const client = t.wsClient(null);
      client.on('closed', (event) => resolve((event as { code: number }).code));
      client.on('error', () => undefined);
    });
    expect(await closed).toBe(4403);
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ database: true });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/hub_graphql_requests_total\{operation="anonymous",type="query",outcome="ok"\} \d+/);
    expect(metrics).toMatch(/hub_graphql_request_duration_seconds_bucket/);
  });
});
