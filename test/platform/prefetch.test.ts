import { buildSchema, execute, parse, type GraphQLResolveInfo } from 'graphql';
import { Loaders, type HubContext } from '../../src/platform/graphql/context';
import { prefetchNodeFields, selectedNodeFields, type NodeFieldPrefetch } from '../../src/platform/graphql/prefetch';

/**
 * A page's nested fields loaded for the whole page before graphql-js walks it:
 * the same answer (errors included) and the same batches as field-by-field
 * loading, with the field resolvers answering without promises.
 */
const schema = buildSchema(`
  type Query { things(first: Int): ThingConnection! }
  type ThingConnection { edges: [ThingEdge!]! totalCount: Int! }
  type ThingEdge { cursor: String! node: Thing! }
  type Thing { id: ID! owner: Owner tags: [String!]! plain: String! }
  type Owner { id: ID! name: String! }
`);

interface Thing {
  id: string;
  ownerId: string;
}
const THINGS: Thing[] = [
  { id: 't1', ownerId: 'o1' },
  { id: 't2', ownerId: 'o2' },
  { id: 't3', ownerId: 'missing' },
  { id: 't4', ownerId: 'o1' },
];

function world(options: { prefetch: boolean; cache?: boolean }) {
  const batches: Array<{ loader: string; keys: readonly string[] }> = [];
  const answeredWith: Array<'value' | 'promise'> = [];
  const selections: Array<Set<string>> = [];
  const ctx = { loaders: new Loaders({ cache: options.cache ?? true }) } as unknown as HubContext;
  const owners = (c: HubContext) =>
    c.loaders.get<string, { id: string; name: string }>('owners', async (keys) => {
      batches.push({ loader: 'owners', keys });
      return keys.map((k) => (k === 'missing' ? new Error(`no owner ${k}`) : { id: k, name: `Owner ${k}` }));
    });
  const tags = (c: HubContext) =>
    c.loaders.get<string, string[]>('tags', async (keys) => {
      batches.push({ loader: 'tags', keys });
      return keys.map((k) => [`${k}-a`, `${k}-b`]);
    });
  const prefetches: Record<string, NodeFieldPrefetch<Thing>> = {
    owner: (c, rows) => owners(c).loadMany(rows.map((r) => r.ownerId)),
    tags: (c, rows) => tags(c).loadMany(rows.map((r) => r.id)),
  };
  const note = <T>(value: T | Promise<T>): T | Promise<T> => {
    answeredWith.push(value instanceof Promise ? 'promise' : 'value');
    return value;
  };
  const rootValue = {
    things: async (_args: unknown, c: HubContext, info: GraphQLResolveInfo) => {
      selections.push(selectedNodeFields(info));
      const rows = THINGS.map((t) => ({
        ...t,
        plain: `plain ${t.id}`,
        owner: () => note(owners(c).loadNow(t.ownerId)),
        tags: () => note(tags(c).loadNow(t.id)),
      }));
      if (options.prefetch) await prefetchNodeFields(c, info, THINGS, prefetches);
      return { totalCount: rows.length, edges: rows.map((node) => ({ cursor: node.id, node })) };
    },
  };
  const run = (query: string, variableValues?: Record<string, unknown>) =>
    execute({ schema, document: parse(query), rootValue, contextValue: ctx, variableValues });
  return { run, batches, answeredWith, selections };
}

const PAGE = `{ things { totalCount edges { cursor node { id owner { id name } tags } } } }`;

describe('prefetchNodeFields and HubLoader.loadNow', () => {
  it('answers a page exactly as field-by-field loading does, errors included, with the same batches', async () => {
    const plain = world({ prefetch: false });
    const prefetched = world({ prefetch: true });
    const [a, b] = [await plain.run(PAGE), await prefetched.run(PAGE)];
    expect(b).toEqual(a);
    // The row whose owner is missing gets null and an error at its own path in both.
    expect(b.errors?.map((e) => [e.message, e.path])).toEqual([['no owner missing', ['things', 'edges', 2, 'node', 'owner']]]);
    expect(prefetched.batches).toEqual(plain.batches);
    expect(prefetched.batches).toHaveLength(2);
  });

  it('lets field resolvers answer known rows without a promise; a failed key still answers with one', async () => {
    const plain = world({ prefetch: false });
    await plain.run(PAGE);
    expect(plain.answeredWith.every((a) => a === 'promise')).toBe(true);

    const prefetched = world({ prefetch: true });
    await prefetched.run(PAGE);
    // 4 rows x 2 fields; only the missing owner is not remembered.
    expect(prefetched.answeredWith.filter((a) => a === 'value')).toHaveLength(7);
    expect(prefetched.answeredWith.filter((a) => a === 'promise')).toHaveLength(1);
  });

  it('remembers nothing without a cache (subscriptions read fresh rows for each event)', async () => {
    const fresh = world({ prefetch: true, cache: false });
    const result = await fresh.run(PAGE);
    expect(result.data).toEqual((await world({ prefetch: false }).run(PAGE)).data);
    expect(fresh.answeredWith.every((a) => a === 'promise')).toBe(true);
  });

  it('loads only the fields the client selected, through fragments, aliases and @skip/@include', async () => {
    const loadedFor = async (query: string, variables?: Record<string, unknown>) => {
      const w = world({ prefetch: true });
      await w.run(query, variables);
      return { selected: [...w.selections[0]].sort(), loaded: w.batches.map((b) => b.loader) };
    };
    expect(await loadedFor(`{ things { edges { node { id ...F } } } } fragment F on Thing { o: owner { name } }`)).toEqual({
      selected: ['id', 'owner'],
      loaded: ['owners'],
    });
    expect(await loadedFor(`{ things { edges { n: node { ... on Thing { tags } } } } }`)).toEqual({ selected: ['tags'], loaded: ['tags'] });
    const skipping = `query Q($skip: Boolean!) { things { edges { node { id owner @skip(if: $skip) { id } tags @include(if: $skip) } } } }`;
    expect(await loadedFor(skipping, { skip: true })).toEqual({ selected: ['id', 'tags'], loaded: ['tags'] });
    expect(await loadedFor(`{ things { totalCount } }`)).toEqual({ selected: [], loaded: [] });
  });
});
