/**
 * Abusive GraphQL over HTTP: each request is refused (or bounded) with a clear
 * error code, and a normal client querying all the while never notices.
 */
import { startTestHub, type TestHub } from '../support/hub';

interface Answer {
  status: number;
  codes: string[];
  body: any;
}

describe('GraphQL abuse', () => {
  let t: TestHub;
  let traffic: { stop(): Promise<{ ok: number; failed: string[] }> };

  /** A normal client: the same small query over and over, every answer checked. */
  function normalTraffic() {
    let running = true;
    let ok = 0;
    const failed: string[] = [];
    const loop = (async () => {
      while (running) {
        try {
          const r = await t.gql(`{ me { role } parts { partNumber } }`);
          if (r.status === 200 && !r.errors && r.data?.me?.role === 'ADMIN') ok++;
          else failed.push(JSON.stringify(r).slice(0, 300));
        } catch (error) {
          failed.push(String(error));
        }
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        return { ok, failed };
      },
    };
  }

  async function post(body: string | Buffer, contentType = 'application/json'): Promise<Answer> {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${t.adminKey}` },
      body: typeof body === 'string' ? body : new Uint8Array(body),
      signal: AbortSignal.timeout(30_000), // a hang fails the test instead of stalling it
    });
    const text = await response.text();
    let parsed: any;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { unparsable: text.slice(0, 200) };
    }
    const codes = ((parsed?.errors ?? []) as Array<{ extensions?: { code?: string } }>).map((e) => e.extensions?.code ?? 'NO_CODE');
    return { status: response.status, codes, body: parsed };
  }
  const query = (q: string, variables: Record<string, unknown> = {}) => post(JSON.stringify({ query: q, variables }));

  beforeAll(async () => {
    t = await startTestHub();
    await t.ok(
      `mutation { createPart(input: { partNumber: "ABUSE-1", manufacturer: "Acme", description: "spare", fitsModels: ["X"] }) { id } }`,
    );
    traffic = normalTraffic();
  });
  afterAll(async () => {
    await traffic?.stop();
    await t?.stop();
  });

  it('refuses a query nested deeper than the limit (QUERY_TOO_DEEP)', async () => {
    const deep = `{ supportCentres { ${'parent { '.repeat(14)}id${' }'.repeat(14)} } }`;
    const r = await query(deep);
    expect(r.codes).toContain('QUERY_TOO_DEEP');
    expect(r.body.data ?? null).toBeNull();
  });

  it('refuses alias floods (TOO_MANY_ALIASES) and directive floods (TOO_MANY_DIRECTIVES)', async () => {
    const aliases = `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: me { role }`).join(' ')} }`;
    expect((await query(aliases)).codes).toContain('TOO_MANY_ALIASES');
    const directives = `{ me { ${Array.from({ length: 200 }, () => 'role @include(if: true)').join(' ')} } }`;
    expect((await query(directives)).codes).toContain('TOO_MANY_DIRECTIVES');
  });

  it('bounds page sizes: huge or negative `first` is BAD_USER_INPUT or QUERY_TOO_COMPLEX, beyond Int a validation error, never an unbounded read', async () => {
    for (const field of ['incidents', 'reservations', 'rmas', 'loans', 'stockMovements', 'stockAlerts']) {
      for (const first of [100_000, 2_147_483_647, -1]) {
        const r = await query(`query($n: Int) { ${field}(first: $n) { totalCount } }`, { n: first });
        // Refused by the resolver's page-size check, or earlier by the cost limit (which multiplies by `first`).
        expect({ field, first, refused: r.codes.length === 1 && ['BAD_USER_INPUT', 'QUERY_TOO_COMPLEX'].includes(r.codes[0]) }).toEqual({
          field,
          first,
          refused: true,
        });
      }
    }
    const beyondInt = await query(`{ incidents(first: 99999999999) { totalCount } }`);
    expect(beyondInt.status).toBe(400);
    expect(beyondInt.codes).toContain('GRAPHQL_VALIDATION_FAILED');
    // Plain lists with a `first` are clamped to the page size or refused, never unbounded.
    for (const field of ['deadLetters', 'notices']) {
      // A variable: the cost limit cannot see its value, so this reaches the resolver.
      const r = await query(`query($n: Int!) { ${field}(first: $n) { id } }`, { n: 2_000_000_000 });
      if (r.codes.length) expect(r.codes).toEqual(['BAD_USER_INPUT']);
      else expect(r.body.data[field].length).toBeLessThanOrEqual(t.app.hub.config.graphql.maxPageSize);
    }
  });

  it('refuses oversized documents: too many tokens, and bodies over the 256 kB limit', async () => {
    const tokens = await query(`{ me { ${'role '.repeat(3000)} } }`);
    expect(tokens.codes).toContain('TOO_MANY_TOKENS');
    const huge = await query(`{ me { role } } # ${'x'.repeat(300 * 1024)}`);
    expect(huge.status).toBe(413);
    expect(huge.codes).toEqual(['DOCUMENT_TOO_LARGE']);
    const hugeVariables = await query(`query($s: String!) { part(partNumber: $s) { id } }`, { s: 'P'.repeat(400 * 1024) });
    expect(hugeVariables.codes).toEqual(['DOCUMENT_TOO_LARGE']);
  });

  it('answers bad variable types and malformed requests with BAD_USER_INPUT / BAD_REQUEST', async () => {
    const badId = await query(`query($id: ID!) { incident(id: $id) { id } }`, { id: { $gt: '' } });
    expect(badId.codes).toEqual(['BAD_USER_INPUT']);
    const badInt = await query(`query($n: Int) { incidents(first: $n) { totalCount } }`, { n: 'twenty' });
    expect(badInt.codes).toEqual(['BAD_USER_INPUT']);
    const missing = await query(`query($id: ID!) { incident(id: $id) { id } }`, {});
    expect(missing.codes).toEqual(['BAD_USER_INPUT']);
    const badEnum = await query(`query($s: Severity!) { slaPreview(contractId: "x", severity: $s, at: "2026-01-05T02:00:00Z") { at } }`, {
      s: 'P9',
    });
    expect(badEnum.codes).toEqual(['BAD_USER_INPUT']);
    const badDate = await query(`query($at: DateTimeISO!) { slaPreview(contractId: "x", severity: P1, at: $at) { at } }`, {
      at: 'yesterday',
    });
    expect(badDate.codes).toEqual(['BAD_USER_INPUT']);
    const notJson = await post('{"query": "{ me { role } }"');
    expect([notJson.status, notJson.codes]).toEqual([400, ['BAD_REQUEST']]);
    const notString = await post(JSON.stringify({ query: { me: 'role' } }));
    expect(notString.status).toBe(400);
    expect(notString.codes).toEqual(['BAD_REQUEST']);
    const batched = await post(JSON.stringify([{ query: '{ me { role } }' }, { query: '{ me { role } }' }]));
    expect(batched.status).toBe(400);
    expect(batched.codes).toEqual(['BAD_REQUEST']);
  });

  // A client's malformed document is the client's error: 400 and GRAPHQL_PARSE_FAILED / TOO_MANY_TOKENS, not a 500.
  it('answers a syntax error and a token flood as client errors (400), not server errors', async () => {
    const syntax = await query(`{ me { role }`);
    expect({ status: syntax.status, codes: syntax.codes }).toEqual({ status: 400, codes: ['GRAPHQL_PARSE_FAILED'] });
    const tokens = await query(`{ me { ${'role '.repeat(3000)} } }`);
    expect({ status: tokens.status, codes: tokens.codes }).toEqual({ status: 400, codes: ['TOO_MANY_TOKENS'] });
  });

  it('survives deeply nested inputs: in the document, in variables and in raw JSON', async () => {
    const rmaEvent = `mutation($p: JSONObject!) { recordRmaEvent(input: { rmaNumber: "RMA-NEST-0001", type: RmaCreated, version: 1, payload: $p }) { outcome } }`;
    // Nested JSON in a JSON-scalar variable: parsed, validated (the payload is wrong) and refused with a code.
    let nested: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 2_000; i++) nested = { a: nested };
    const variables = await query(rmaEvent, { p: nested });
    expect(variables.status).toBeLessThan(500);
    expect(variables.codes.length).toBeGreaterThan(0);
    expect(variables.codes).not.toContain('INTERNAL_SERVER_ERROR');
    // Nested object literal in the document: within the token limit it parses; the payload is refused.
    const literal = `{ ${'a: {'.repeat(300)} leaf: 1 ${'}'.repeat(300)} }`;
    const inDocument = await query(
      `mutation { recordRmaEvent(input: { rmaNumber: "RMA-NEST-0002", type: RmaCreated, version: 1, payload: ${literal} }) { outcome } }`,
    );
    expect(inDocument.codes.length).toBeGreaterThan(0);
    expect(inDocument.codes).not.toContain('INTERNAL_SERVER_ERROR');
    // Nested lists where a flat list is expected: a validation error.
    const lists = await query(`{ parts(filter: { partNumbers: ${'['.repeat(200)}"X"${']'.repeat(200)} }) { id } }`);
    expect(lists.codes.length).toBeGreaterThan(0);
    expect(lists.codes).not.toContain('INTERNAL_SERVER_ERROR');
    // Raw JSON nested beyond what a recursive parser can take: a 400, not a crash.
    const deepJson = `{"query":"{ me { role } }","variables":{"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`;
    const raw = await post(deepJson);
    expect(raw.status).toBeGreaterThanOrEqual(400);
    expect(raw.status).toBeLessThan(500);
    expect(raw.codes.length).toBeGreaterThan(0);
  });

  it('kept answering the normal client throughout, and is still healthy', async () => {
    const { ok, failed } = await traffic.stop();
    expect(failed).toEqual([]);
    expect(ok).toBeGreaterThan(0);
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    traffic = { stop: async () => ({ ok: 0, failed: [] }) };
  });
});
