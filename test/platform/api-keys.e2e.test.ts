import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Role } from '../../src/platform/auth/principal';
import { capturingLogger, startTestHub, TestHub } from '../support/hub';
import { rawWs, RawWs } from '../support/raw-ws';

const run = promisify(execFile);

/** Authentication failures, key scopes, and keys that stop being valid while their sockets are open. */
describe('API keys', () => {
  let t: TestHub;
  const captured = capturingLogger('info');
  let customerId: string;
  let centreId: string;

  beforeAll(async () => {
    t = await startTestHub({ log: captured.log });
    customerId = (await t.ok(`mutation { createCustomer(input: { code: "AK-1", name: "Key customer" }) { id } }`)).createCustomer.id;
    centreId = (await t.ok(`mutation { createSupportCentre(input: { code: "AK-C", name: "Key centre", region: "East", tier: 3 }) { id } }`))
      .createSupportCentre.id;
  });
  afterAll(() => t?.stop());

  const post = (headers: Record<string, string>) =>
    fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: '{ me { role } }' }),
    });

  it('answers every authentication failure with 401 and UNAUTHENTICATED, and logs the key prefix only', async () => {
    const revoked = await t.ok(`mutation { createApiKey(role: OPERATOR, name: "soon revoked") { key apiKey { id } } }`);
    await t.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: revoked.createApiKey.apiKey.id });
    const expired = await t.app.hub.apiKeys.create({ role: Role.OPERATOR, name: 'expires', expiresAt: new Date(Date.now() + 300) });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const presented = {
      unknown: 'shk_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      malformed: 'shk_notakey',
      revoked: revoked.createApiKey.key as string,
      expired: expired.key,
    };
    for (const [kind, key] of Object.entries(presented)) {
      for (const headers of [{ authorization: `Bearer ${key}` }, { 'x-api-key': key }] as Array<Record<string, string>>) {
        const response = await post(headers);
        const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
        expect({ kind, status: response.status, code: body.errors?.[0]?.extensions?.code }).toEqual({
          kind,
          status: 401,
          code: 'UNAUTHENTICATED',
        });
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    }
    // No key at all: the same answer for a field that needs one.
    const missing = await post({});
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe(
      'UNAUTHENTICATED',
    );
    // A request that needs no key still succeeds without one.
    const open = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(open.status).toBe(200);

    const warnings = captured.lines().filter((l) => l.msg?.startsWith('authentication failed'));
    expect(warnings.length).toBeGreaterThanOrEqual(8);
    for (const w of warnings) {
      expect(w.level).toBe(40);
      expect(w.clientAddress).toMatch(/127\.0\.0\.1/);
    }
    expect(warnings.map((w) => w.keyPrefix)).toContain(presented.revoked.slice(0, 16));
    const logged = JSON.stringify(captured.lines());
    for (const key of Object.values(presented)) if (key.length > 20) expect(logged).not.toContain(key);
  });

  it('refuses a key whose scope does not exist or is of another kind, and stores nothing', async () => {
    const before = (await t.ok('{ apiKeys { id } }')).apiKeys.length;
    const attempts = [
      { role: 'CUSTOMER', scopeId: '00000000-0000-0000-0000-000000000000' },
      { role: 'PARTNER', scopeId: customerId },
      { role: 'WAREHOUSE', scopeId: centreId },
      { role: 'CUSTOMER', scopeId: null },
      { role: 'ADMIN', scopeId: customerId },
    ];
    for (const attempt of attempts) {
      const result = await t.gql(`mutation($role: Role!, $scopeId: ID) { createApiKey(role: $role, scopeId: $scopeId) { key } }`, attempt);
      expect({ attempt, code: result.errors?.[0].extensions?.code, field: result.errors?.[0].extensions?.field }).toEqual({
        attempt,
        code: 'BAD_USER_INPUT',
        field: 'scopeId',
      });
    }
    expect((await t.ok('{ apiKeys { id } }')).apiKeys.length).toBe(before);
    const good = await t.ok(`mutation($c: ID!) { createApiKey(role: CUSTOMER, scopeId: $c) { apiKey { scopeId } } }`, { c: customerId });
    expect(good.createApiKey.apiKey.scopeId).toBe(customerId);
  });

  it('the CLI names its flags, says "An ADMIN key", and stores nothing for a bad scope', async () => {
    const cli = (...args: string[]) =>
      run(process.execPath, ['-r', '@swc-node/register', 'src/cli.ts', 'apikey', ...args], {
        env: { ...process.env, DATABASE_URL: t.db.url, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
      }).then(
        (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
      );
    const before = (await t.ok('{ apiKeys { id } }')).apiKeys.length;
    const missingOrg = await cli('create', '--role', 'CUSTOMER', '--org', 'does-not-exist');
    expect(missingOrg.code).not.toBe(0);
    expect(missingOrg.err).toMatch(/--org does-not-exist is not a customer organisation/);
    expect(missingOrg.err).toMatch(/BAD_USER_INPUT/);
    const wrongKind = await cli('create', '--role', 'PARTNER', '--centre', customerId);
    expect(wrongKind.err).toMatch(/--centre .* is not a support centre/);
    const wrongFlag = await cli('create', '--role', 'WAREHOUSE', '--org', customerId);
    expect(wrongFlag.err).toMatch(/scoped with --depot, not --org/);
    const noScope = await cli('create', '--role', 'PARTNER');
    expect(noScope.err).toMatch(/A PARTNER key must be scoped to a support centre \(--centre\)/);
    const admin = await cli('create', '--role', 'ADMIN', '--org', customerId);
    expect(admin.err).toMatch(/An ADMIN key is not scoped; leave out --org/);
    expect((await t.ok('{ apiKeys { id } }')).apiKeys.length).toBe(before);
    const ok = await cli('create', '--role', 'CUSTOMER', '--org', customerId);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^shk_/);
    // Six CLI processes, each compiling its sources on start: slow on a busy machine.
  }, 240_000);

  describe('open subscriptions of a key that stops being valid', () => {
    const subscribe = async (url: string, key: string): Promise<RawWs> => {
      const ws = await rawWs(`${url.replace('http', 'ws')}/graphql`);
      await ws.init(key);
      ws.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { noticePublished { id } }' } });
      return ws;
    };

    it('closes the sockets of a revoked key at once (4403), and leaves other keys connected', async () => {
      const doomed = await t.ok(`mutation { createApiKey(role: OPERATOR, name: "watcher") { key apiKey { id } } }`);
      const other = await t.createKey(Role.OPERATOR);
      const ws = await subscribe(t.url, doomed.createApiKey.key);
      const bystander = await subscribe(t.url, other);
      await t.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: doomed.createApiKey.apiKey.id });
      const closed = await ws.closed;
      expect(closed.code).toBe(4403);
      expect(closed.reason).toMatch(/revoked/);
      expect(bystander.isClosed()).toBe(false);
      bystander.close();
    });

    it('closes them on another instance sharing the database within the verification window', async () => {
      const second = await startTestHub({ db: t.db });
      try {
        const doomed = await t.ok(`mutation { createApiKey(role: OPERATOR, name: "remote watcher") { key apiKey { id } } }`);
        const ws = await subscribe(second.url, doomed.createApiKey.key);
        await t.ok(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: doomed.createApiKey.apiKey.id });
        const closed = await Promise.race([ws.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 25_000))]);
        expect(closed?.code).toBe(4403);
      } finally {
        await second.stop({ drop: false });
      }
    }, 40_000);

    it('closes the sockets of a key when it expires', async () => {
      const expiring = await t.app.hub.apiKeys.create({ role: Role.OPERATOR, name: 'short-lived', expiresAt: new Date(Date.now() + 1500) });
      const ws = await subscribe(t.url, expiring.key);
      expect(ws.isClosed()).toBe(false);
      const closed = await ws.closed;
      expect(closed.code).toBe(4403);
      expect(closed.reason).toMatch(/expired/);
    });
  });
});
