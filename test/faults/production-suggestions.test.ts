import { startTestHub, TestHub } from '../support/hub';
import { rawWs } from '../support/raw-ws';

/** With NODE_ENV=production no error names a schema member the caller did not write ("Did you mean ..."). */
describe('no suggestions in production errors', () => {
  let t: TestHub;
  let dev: TestHub;

  beforeAll(async () => {
    t = await startTestHub({ env: { NODE_ENV: 'production' } });
    dev = await startTestHub();
  });
  afterAll(async () => {
    await t?.stop();
    await dev?.stop();
  });

  // Every row has all three entries: jest passes a `done` callback in place of a missing one.
  const probes: Array<[string, string, Record<string, unknown>]> = [
    ['enum value literal', '{ incidents(filter: { status: [NEWW] }) { totalCount } }', {}],
    ['enum value in a variable', 'query($s: [IncidentStatus!]) { incidents(filter: { status: $s }) { totalCount } }', { s: ['NEWW'] }],
    ['another enum in a variable', 'query($s: [Severity!]) { incidents(filter: { severity: $s }) { totalCount } }', { s: ['P11'] }],
    ['another enum literal', 'mutation { createApiKey(role: ADMINN) { key } }', {}],
    ['field', '{ incidentz { totalCount } }', {}],
    ['nested field', '{ incidents { totalCont } }', {}],
    ['argument', '{ incidents(fist: 2) { totalCount } }', {}],
    ['input field', '{ incidents(filter: { statuss: [NEW] }) { totalCount } }', {}],
    ['input field in a variable', 'query($f: IncidentFilter) { incidents(filter: $f) { totalCount } }', { f: { statuss: ['NEW'] } }],
    ['type', 'query($f: IncidentFiltr) { incidents(filter: $f) { totalCount } }', {}],
  ];

  it.each(probes)('%s: development suggests, production does not', async (_name, query, variables) => {
    const inDev = await dev.gql(query, variables);
    expect(JSON.stringify(inDev.errors)).toMatch(/Did you mean/);
    const inProd = await t.gql(query, variables);
    expect(inProd.errors?.length).toBeGreaterThan(0);
    expect(inProd.status).toBeLessThan(500);
    expect(JSON.stringify(inProd.errors)).not.toMatch(/Did you mean|Suggestion/i);
  });

  it('nor over WebSocket', async () => {
    const ws = await rawWs(`${t.url.replace('http', 'ws')}/graphql`);
    await ws.init(t.adminKey);
    ws.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { incidentUpdated(incidentId: 1) { incidentt { id } } }' } });
    ws.send({
      id: '2',
      type: 'subscribe',
      payload: { query: 'subscription($c: ID) { incidentUpdated(customerId: $c) { kindd } }', variables: {} },
    });
    await ws.waitFor((messages) => messages.filter((m) => m.type === 'error').length >= 2);
    const errors = ws.messages.filter((m) => m.type === 'error');
    expect(JSON.stringify(errors)).toMatch(/Cannot query field/);
    expect(JSON.stringify(errors)).not.toMatch(/Did you mean|Suggestion/i);
    ws.close();
  });
});
