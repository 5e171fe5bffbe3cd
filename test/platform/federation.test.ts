import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { modules } from '../../src/modules';
import { platformResolvers } from '../../src/platform/entities';
import { buildSubgraph, printHubSubgraph } from '../../src/platform/graphql/federation';
import { buildHubSchema, resolversOf } from '../../src/platform/graphql/schema';
import { createWorld, World } from '../incidents/fixtures';
import { startTestHub, TestHub } from '../support/hub';

const SUBGRAPH_FILE = resolve(__dirname, '../../schema/hub.subgraph.graphql');

describe('the hub as a Federation 2 subgraph', () => {
  it('matches the checked-in schema/hub.subgraph.graphql (run `npm run schema` after changing the API)', async () => {
    const sdl = printHubSubgraph(buildSubgraph(await buildHubSchema(resolversOf(modules, platformResolvers))));
    expect(sdl === readFileSync(SUBGRAPH_FILE, 'utf8')).toBe(true);
  });

  it('composes into a supergraph without errors, with the entities and keys the issue lists', () => {
    const result = composeServices([{ name: 'hub', typeDefs: parse(readFileSync(SUBGRAPH_FILE, 'utf8')), url: 'http://hub/graphql' }]);
    expect(result.errors ?? []).toEqual([]);
    const supergraph = result.supergraphSdl!;
    const keys = (type: string) =>
      [...supergraph.matchAll(new RegExp(`type ${type}\\s[^{]*`, 'g'))]
        .flatMap((m) => [...m[0].matchAll(/key: "(\w+)"/g)].map((k) => k[1]))
        .sort();
    expect(keys('Incident')).toEqual(['id']);
    expect(keys('Device')).toEqual(['id', 'serialNumber']);
    expect(keys('Site')).toEqual(['id']);
    expect(keys('Customer')).toEqual(['code', 'id']);
    expect(keys('Rma')).toEqual(['id', 'number']);
    expect(keys('Part')).toEqual(['id', 'partNumber']);
    expect(keys('Depot')).toEqual(['id']);
    expect(keys('SupportCentre')).toEqual(['id']);
    expect(keys('Loaner')).toEqual(['id']);
  });
});

describe('_service and _entities on the hub endpoint', () => {
  let t: TestHub;
  let w: World;
  beforeAll(async () => {
    t = await startTestHub();
    w = await createWorld(t);
  });
  afterAll(() => t?.stop());

  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Device { id serialNumber customerId } ... on Customer { id code } ... on Site { id } } }`;

  it('answers only an authenticated key', async () => {
    const service = await t.gql(`{ _service { sdl } }`, {}, null);
    expect(service.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(service.data ?? null).toBeNull();
    const entities = await t.gql(ENTITIES, { r: [{ __typename: 'Device', id: w.deviceA1.id }] }, null);
    expect(entities.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(entities.data ?? null)).not.toContain(w.deviceA1.serial);
  });

  it('serves the checked-in subgraph SDL', async () => {
    const { _service } = await t.ok(`{ _service { sdl } }`, {}, w.keyA);
    expect(_service.sdl).toContain('@key(fields: "serialNumber")');
    const compose = composeServices([{ name: 'hub', typeDefs: parse(_service.sdl), url: t.url }]);
    expect(compose.errors ?? []).toEqual([]);
  });

  it("resolves a customer's own rows by any key, and another tenant's to null with NOT_FOUND at that index", async () => {
    const result = await t.gql(
      ENTITIES,
      {
        r: [
          { __typename: 'Device', serialNumber: w.deviceA1.serial },
          { __typename: 'Device', id: w.deviceB1.id },
          { __typename: 'Device', id: w.deviceA2.id },
          { __typename: 'Customer', id: w.customerB },
          { __typename: 'Customer', id: w.customerA },
          { __typename: 'Site', id: w.siteB },
        ],
      },
      w.keyA,
    );
    expect(result.data?._entities).toEqual([
      { __typename: 'Device', id: w.deviceA1.id, serialNumber: w.deviceA1.serial, customerId: w.customerA },
      null,
      { __typename: 'Device', id: w.deviceA2.id, serialNumber: w.deviceA2.serial, customerId: w.customerA },
      null,
      { __typename: 'Customer', id: w.customerA, code: expect.any(String) },
      null,
    ]);
    const errors = (result.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code]).sort();
    expect(errors).toEqual([
      ['_entities.1', 'NOT_FOUND'],
      ['_entities.3', 'NOT_FOUND'],
      ['_entities.5', 'NOT_FOUND'],
    ]);
    expect(JSON.stringify(result)).not.toContain(w.deviceB1.serial);
  });

  it('reads each entity type with one SQL statement, whatever the number of representations', async () => {
    const devices = (n: number) =>
      [w.deviceA1, w.deviceA2, w.deviceB1].slice(0, n).flatMap((d) => [
        { __typename: 'Device', id: d.id },
        { __typename: 'Device', serialNumber: d.serial },
      ]);
    const one = await t.gql(ENTITIES, { r: devices(1).slice(0, 1) });
    const six = await t.gql(ENTITIES, { r: devices(3) });
    const twoTypes = await t.gql(ENTITIES, {
      r: [...devices(3), { __typename: 'Customer', id: w.customerA }, { __typename: 'Customer', code: 'nope' }],
    });
    expect(one.errors).toBeUndefined();
    expect(six.errors).toBeUndefined();
    expect(six.data?._entities).toHaveLength(6);
    expect(one.sqlStatements).toBeGreaterThan(0);
    expect(six.sqlStatements).toBe(one.sqlStatements);
    expect(twoTypes.sqlStatements).toBe(one.sqlStatements + 1);
  });

  it('rejects a representation without any key field', async () => {
    const result = await t.gql(ENTITIES, { r: [{ __typename: 'Device', vendor: 'x' }] }, w.keyA);
    expect(result.data?._entities).toEqual([null]);
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
