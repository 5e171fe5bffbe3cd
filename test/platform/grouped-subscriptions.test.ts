import { ExecutionArgs, GraphQLBoolean, GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, parse } from 'graphql';
import { createGroupedSubscriptions, GroupMember, subscriptionGroupKey } from '../../src/platform/graphql/grouped-subscriptions';
import { Role, Principal } from '../../src/platform/auth/principal';
import { createTopicPubSub, MAX_BACKLOG } from '../../src/platform/pubsub';

/** The group mechanics without a hub: one source and one execution per group, members come and go. */
describe('grouped subscriptions', () => {
  const QUERY = 'subscription { tick }';

  function setUp() {
    const pubsub = createTopicPubSub();
    let sources = 0;
    let sourcesEnded = 0;
    let executions = 0;
    let refuse = false;
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLBoolean } } }),
      subscription: new GraphQLObjectType({
        name: 'Subscription',
        fields: {
          tick: {
            type: new GraphQLNonNull(GraphQLInt),
            subscribe: () => {
              if (refuse) throw new Error('not allowed');
              sources++;
              const source = pubsub.subscribe('TICK');
              const end = source.return.bind(source);
              source.return = () => {
                sourcesEnded++;
                return end();
              };
              return source;
            },
            // Runs once per event and execution, with the event as its root value.
            resolve: (event: number) => {
              executions++;
              return event;
            },
          },
        },
      }),
    });
    const args = (): ExecutionArgs => ({ schema, document: parse(QUERY) });
    const member = () => {
      const frames: string[] = [];
      return { frames, deliver: (json: string) => void frames.push(json) } satisfies GroupMember & { frames: string[] };
    };
    return {
      pubsub,
      grouped: createGroupedSubscriptions(),
      args,
      member,
      counts: () => ({ sources, sourcesEnded, executions }),
      refuseFromNowOn: () => (refuse = true),
    };
  }
  const flush = () => new Promise((resolve) => setImmediate(resolve));

  it('shares one source and one execution per event, and ends the source when the last member leaves', async () => {
    const s = setUp();
    const a = s.member();
    const b = s.member();
    const c = s.member();
    const [ia, ib] = (await Promise.all([
      s.grouped.subscribe(s.args(), 'g1', a),
      s.grouped.subscribe(s.args(), 'g1', b),
    ])) as AsyncIterableIterator<never>[];
    const ic = (await s.grouped.subscribe(s.args(), 'g2', c)) as AsyncIterableIterator<never>;
    s.pubsub.publish('TICK', 1);
    await flush();
    expect(a.frames).toEqual(['{"data":{"tick":1}}']);
    expect(b.frames).toEqual(a.frames);
    expect(c.frames).toEqual(a.frames);
    expect(s.counts()).toEqual({ sources: 2, sourcesEnded: 0, executions: 2 });

    await ia.return!();
    s.pubsub.publish('TICK', 2);
    await flush();
    expect(a.frames).toHaveLength(1);
    expect(b.frames).toHaveLength(2);
    expect(s.grouped.groupCount).toBe(2);
    await ib.return!();
    await ic.return!();
    expect(s.grouped.groupCount).toBe(0);
    expect(s.counts().sourcesEnded).toBe(2);
    // A subscription after the group ended starts a new one.
    const d = s.member();
    await s.grouped.subscribe(s.args(), 'g1', d);
    s.pubsub.publish('TICK', 3);
    await flush();
    expect(d.frames).toEqual(['{"data":{"tick":3}}']);
    expect(s.counts()).toEqual({ sources: 3, sourcesEnded: 2, executions: 2 + 2 + 1 });
  });

  it('answers every subscriber the refusal, and does not keep a refused group', async () => {
    const s = setUp();
    s.refuseFromNowOn();
    const results = await Promise.all([s.grouped.subscribe(s.args(), 'g', s.member()), s.grouped.subscribe(s.args(), 'g', s.member())]);
    for (const result of results) expect(result).toMatchObject({ errors: [expect.objectContaining({ message: 'not allowed' })] });
    expect(s.grouped.groupCount).toBe(0);
  });

  it('cuts off every member when the group itself falls the pubsub backlog behind', async () => {
    const s = setUp();
    const membership = (await s.grouped.subscribe(s.args(), 'g', s.member())) as AsyncIterableIterator<never>;
    const ended = membership.next();
    // Published synchronously, before the group could read any of them.
    for (let i = 0; i <= MAX_BACKLOG + 1; i++) s.pubsub.publish('TICK', i);
    await expect(ended).rejects.toThrow(/fell too far behind/);
    expect(s.grouped.groupCount).toBe(0);
  });

  it('keys groups by key, role and every visible scope id, and by document and variables', () => {
    const principal = (over: Partial<Principal>): Principal => ({
      keyId: 'k1',
      name: 'n',
      role: Role.CUSTOMER,
      scopeId: 'c1',
      visibleScopeIds: ['c1'],
      ...over,
    });
    const key = (p: Principal | null, variables?: Record<string, unknown>, query = QUERY) =>
      subscriptionGroupKey(p, query, undefined, variables);
    const base = key(principal({}));
    expect(key(principal({ name: 'other display name' }))).toBe(base);
    expect(key(principal({ keyId: 'k2' }))).not.toBe(base);
    expect(key(principal({ scopeId: 'c2', visibleScopeIds: ['c2'] }))).not.toBe(base);
    expect(key(principal({ role: Role.PARTNER }))).not.toBe(base);
    expect(key(principal({ visibleScopeIds: ['c1', 'c3'] }))).not.toBe(base);
    expect(key(null)).not.toBe(base);
    expect(key(principal({}), { id: 'x' })).not.toBe(base);
    expect(key(principal({}), undefined, 'subscription { tick  }')).not.toBe(base);
  });
});
