import { capturingLogger, startTestHub, TestHub } from '../support/hub';

describe('access log', () => {
  let t: TestHub;
  const captured = capturingLogger('info');
  beforeAll(async () => {
    t = await startTestHub({ log: captured.log });
  });
  afterAll(() => t?.stop());

  const accessLines = () => captured.lines().filter((l) => l.component === 'access');

  it('writes one line per request with request id, key prefix, operation, status and duration', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminKey}`, 'x-request-id': 'trace-42' },
      body: JSON.stringify({ query: 'query WhoAmI { me { role } }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('trace-42');
    await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'shk_nope' },
      body: '{"query":"{ me { role } }"}',
    });
    await fetch(`${t.url}/healthz`);

    const line = accessLines().find((l) => l.reqId === 'trace-42');
    expect(line).toMatchObject({
      level: 30,
      keyPrefix: t.adminKey.slice(0, 16),
      operationName: 'WhoAmI',
      req: { method: 'POST', path: '/graphql' },
      res: { status: 200 },
    });
    expect(typeof line?.responseTime).toBe('number');
    const refused = accessLines().find((l) => l.res?.status === 401);
    expect(refused?.keyPrefix).toMatch(/^malformed/);
    expect(refused?.reqId).toEqual(expect.any(String));
    expect(accessLines().some((l) => l.req?.path === '/healthz')).toBe(false);
    expect(JSON.stringify(captured.lines())).not.toContain(t.adminKey);
  });

  it('can be turned down below the log level', async () => {
    const quiet = capturingLogger('info');
    const hub = await startTestHub({ log: quiet.log, env: { ACCESS_LOG_LEVEL: 'debug' } });
    try {
      expect((await hub.gql('{ me { role } }')).status).toBe(200);
      expect(quiet.lines().filter((l) => l.component === 'access')).toHaveLength(0);
    } finally {
      await hub.stop();
    }
  });
});
