import { startTestHub, TestHub } from '../support/hub';

/** The explorer at GET /graphql is GraphiQL served from node_modules: nothing loaded from the internet. */
describe('GraphQL explorer', () => {
  let t: TestHub;
  let production: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: { NODE_ENV: 'development' } });
    production = await startTestHub({ env: { NODE_ENV: 'production' } });
  });
  afterAll(async () => {
    await t?.stop();
    await production?.stop();
  });

  it('serves GraphiQL and its assets from the hub itself, with a field for the API key', async () => {
    const page = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Authorization: Bearer');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBe(5);
    for (const asset of assets) {
      expect(asset).toMatch(/^\/graphql\/explorer\//); // same origin only
      const response = await fetch(`${t.url}${asset}`);
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
      expect((await response.text()).length).toBeGreaterThan(100);
    }
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    // A GraphQL GET still reaches GraphQL.
    const get = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'apollo-require-preflight': '1' },
    });
    expect(((await get.json()) as { data: unknown }).data).toEqual({ __typename: 'Query' });
  });

  it('is off in production unless GRAPHQL_EXPLORER=true', async () => {
    const page = await fetch(`${production.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('graphiql');
    expect((await fetch(`${production.url}/graphql/explorer/graphiql.js`)).status).not.toBe(200);
  });
});
