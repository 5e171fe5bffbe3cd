import { Role } from '../../src/platform/auth/principal';
import { RateLimits } from '../../src/platform/rate-limit';
import { startTestHub, TestHub } from '../support/hub';

/**
 * Per-key request rate limits: an abusive key is refused with 429 / RATE_LIMITED and Retry-After while
 * another key's requests all succeed. With TEST_REDIS_URL (CI sets it, REQUIRE_REDIS=1 makes it
 * mandatory) two instances share one count through Redis.
 */
const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl && process.env.REQUIRE_REDIS === '1')
  throw new Error('REQUIRE_REDIS=1 but TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379)');

const LIMIT = 5;
const env = { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_WINDOW_SECONDS: '600', RATE_LIMITS: `CUSTOMER=${LIMIT},ANONYMOUS=3` };

async function customers(t: TestHub): Promise<[string, string]> {
  const create = async (code: string) =>
    (await t.ok(`mutation($code: String!) { createCustomer(input: { code: $code, name: $code }) { id } }`, { code })).createCustomer
      .id as string;
  return [await create(`RL-A-${Date.now()}`), await create(`RL-B-${Date.now()}`)];
}

describe('per-key rate limits (memory store)', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env });
  });
  afterAll(() => t?.stop());

  it('throttles an abusive key while another key keeps being served', async () => {
    const [a, b] = await customers(t);
    const abusive = await t.createKey(Role.CUSTOMER, a);
    const polite = await t.createKey(Role.CUSTOMER, b);
    const abusiveStatuses: number[] = [];
    const politeStatuses: number[] = [];
    let refusal: { status: number; retryAfter: string | null; body: any } | null = null;
    for (let i = 0; i < 4 * LIMIT; i++) {
      const response = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${abusive}` },
        body: JSON.stringify({ query: '{ me { role } }' }),
      });
      abusiveStatuses.push(response.status);
      const body = await response.json();
      if (response.status === 429 && !refusal) refusal = { status: 429, retryAfter: response.headers.get('retry-after'), body };
      if (i % 4 === 0) politeStatuses.push((await t.gql('{ me { role } }', {}, polite)).status);
    }
    expect(abusiveStatuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(abusiveStatuses.filter((s) => s === 429)).toHaveLength(3 * LIMIT);
    expect(politeStatuses.every((s) => s === 200)).toBe(true);
    expect(Number(refusal?.retryAfter)).toBeGreaterThan(0);
    expect(refusal?.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(refusal?.body.errors[0].extensions.retryAfterSeconds).toBe(Number(refusal?.retryAfter));
    expect(refusal?.body.errors[0].extensions.http).toBeUndefined();
    // Staff keys have their own, larger limit.
    expect((await t.gql('{ me { role } }')).status).toBe(200);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`hub_rate_limited_total\\{role="CUSTOMER"\\} ${3 * LIMIT}`));
  });

  it('limits requests without a valid key per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.gql('{ me { role } }', {}, null)).status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
  });

  it('gives other parts of the hub limiters of their own (e.g. per connector)', async () => {
    const perConnector = t.app.hub.get(RateLimits).limiter('connector-calls', { points: 2, durationSeconds: 60 });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await perConnector.consume('connector-1'));
    expect(results.map((r) => r.allowed)).toEqual([true, true, false]);
    expect((await perConnector.consume('connector-2')).allowed).toBe(true);
  });
});

(redisUrl ? describe : describe.skip)('per-key rate limits shared by two instances through Redis', () => {
  let a: TestHub;
  let b: TestHub;
  beforeAll(async () => {
    a = await startTestHub({ env: { ...env, REDIS_URL: redisUrl! } });
    b = await startTestHub({ db: a.db, env: { ...env, REDIS_URL: redisUrl! } });
  });
  afterAll(async () => {
    await b?.stop({ drop: false });
    await a?.stop();
  });

  it('counts a key once across instances', async () => {
    expect(a.app.hub.get(RateLimits).store).toBe('redis');
    const [c1, c2] = await customers(a);
    const abusive = await a.createKey(Role.CUSTOMER, c1);
    const polite = await a.createKey(Role.CUSTOMER, c2);
    const statuses: number[] = [];
    for (let i = 0; i < 4 * LIMIT; i++) statuses.push((await (i % 2 ? a : b).gql('{ me { role } }', {}, abusive)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3 * LIMIT);
    expect((await a.gql('{ me { role } }', {}, polite)).status).toBe(200);
    expect((await b.gql('{ me { role } }', {}, polite)).status).toBe(200);
  });
});
