import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getMetadataStorage } from 'type-graphql';
import { modules } from '../../src/modules';
import { platformResolvers } from '../../src/platform/entities';
import { buildHubSchema, printHubSchema, resolversOf } from '../../src/platform/graphql/schema';
import { startTestHub, TestHub } from '../support/hub';
import { rootOperations } from '../support/schema-probe';

const resolvers = resolversOf(modules, platformResolvers);

describe('the GraphQL schema', () => {
  it('matches the checked-in schema/schema.graphql (run `npm run schema` after changing the API)', async () => {
    const sdl = printHubSchema(await buildHubSchema(resolvers));
    const checkedIn = readFileSync(resolve(__dirname, '../../schema/schema.graphql'), 'utf8');
    expect(sdl === checkedIn).toBe(true);
  });

  it('declares who may call every root operation', async () => {
    await buildHubSchema(resolvers);
    const storage = getMetadataStorage();
    const declared = (kind: string, ops: Array<{ target: unknown; methodName: string; schemaName: string }>) =>
      ops.map((op) => {
        const field = storage.authorizedFields.find((a) => a.target === op.target && a.fieldName === op.methodName);
        const cls = storage.authorizedResolver.find((a) => a.target === op.target);
        const roles = field?.roles ?? cls?.roles;
        return [
          `${kind}.${op.schemaName}`,
          roles === undefined ? 'UNGUARDED' : roles.length ? [...roles].sort().join(',') : 'ANY_KEY',
        ] as const;
      });
    const permissions = Object.fromEntries(
      [
        ...declared('Query', storage.queries),
        ...declared('Mutation', storage.mutations),
        ...declared('Subscription', storage.subscriptions),
      ].sort(([a], [b]) => a.localeCompare(b)),
    );
    expect(Object.entries(permissions).filter(([, roles]) => roles === 'UNGUARDED')).toEqual([]);
    // A diff here is a permission change, not a snapshot refresh: review it as one.
    expect(permissions).toMatchSnapshot();
  });
});

describe('every root query and mutation without a key', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t?.stop());

  it('answers UNAUTHENTICATED and changes nothing', async () => {
    const schema = await buildHubSchema(resolvers);
    const operations = rootOperations(schema).filter((op) => op.kind !== 'subscription');
    expect(operations.length).toBeGreaterThan(5);
    const failures: string[] = [];
    for (const op of operations) {
      const result = await t.gql(op.document, {}, null);
      const codes = (result.errors ?? []).map((e) => e.extensions?.code);
      const leaked = result.data && Object.values(result.data).some((v) => v !== null);
      if (codes.length === 0 || codes.some((c) => c !== 'UNAUTHENTICATED') || leaked)
        failures.push(`${op.document} -> ${JSON.stringify(result.errors ?? result.data)}`);
    }
    expect(failures).toEqual([]);
  });
});
