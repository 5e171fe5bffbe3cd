import { startTestHub, TestHub } from '../support/hub';

/**
 * x-sql-statements: a request that sends the header gets its statement count
 * back in the response header of the same name; one that does not pays nothing
 * for counting and gets no header.
 */
describe('x-sql-statements on request', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: { SCHEDULER_ENABLED: 'false' } });
  });
  afterAll(() => t?.stop());

  const post = (headers: Record<string, string>, body = JSON.stringify({ query: '{ depots { id } }' }), contentType = 'application/json') =>
    fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${t.adminKey}`, ...headers },
      body,
    });

  it('counts the statements of a request that asks, and only then', async () => {
    await t.ok(`mutation($i: CreateDepotInput!) { createDepot(input: $i) { id } }`, {
      i: { code: 'COUNT-1', name: 'Depot count', region: 'CN-EAST', city: 'Shanghai' },
    });
    const asked = await post({ 'x-sql-statements': 'count' });
    expect(asked.status).toBe(200);
    expect(Number(asked.headers.get('x-sql-statements'))).toBeGreaterThan(0);
    const plain = await post({});
    expect(plain.status).toBe(200);
    expect(plain.headers.get('x-sql-statements')).toBeNull();
    expect(((await plain.json()) as { data: { depots: unknown[] } }).data.depots.length).toBeGreaterThan(0);
  });

  it('counts through the Express route too (a body in another JSON content type)', async () => {
    const asked = await post({ 'x-sql-statements': 'count' }, undefined, 'application/json; charset=utf-8');
    expect(Number(asked.headers.get('x-sql-statements'))).toBeGreaterThan(0);
    const viaExpress = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ depots { id } }')}`, {
      headers: { authorization: `Bearer ${t.adminKey}`, 'x-sql-statements': 'count', 'apollo-require-preflight': 'true' },
    });
    expect(viaExpress.status).toBe(200);
    expect(Number(viaExpress.headers.get('x-sql-statements'))).toBeGreaterThan(0);
  });

  it('counts concurrent asking requests separately while others run uncounted', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => post(i % 2 ? { 'x-sql-statements': 'count' } : {})));
    const counts = answers.map((a) => a.headers.get('x-sql-statements'));
    expect(counts.filter((c, i) => i % 2 === 0 && c !== null)).toEqual([]);
    const asked = counts.filter((_, i) => i % 2 === 1).map(Number);
    expect(new Set(asked).size).toBe(1);
    expect(asked[0]).toBeGreaterThan(0);
  });
});
