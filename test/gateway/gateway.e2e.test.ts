import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { CustomerItsm, startCustomerItsm } from '../../examples/customer-itsm/server';
import { composeSources } from '../../src/gateway/compose';
import { Gateway, startGateway } from '../../src/gateway/gateway';
import type { SourcesFile } from '../../src/gateway/sources';
import { assignToCustomer, CALM_7X24, createContract, createWorld, report, World } from '../incidents/fixtures';
import { collect, GraphQLResponse, startTestHub, TestHub } from '../support/hub';

const ROOT = resolve(__dirname, '../..');
const ITSM_USER = 'gateway-test';
const ITSM_PASSWORD = 'itsm-secret-0f3a9';
const ENV = { ...process.env, ITSM_USER, ITSM_PASSWORD };

/** The demo sources' shape, pointed at this test's hub and example ITSM. */
function testSources(hubUrl: string, itsmUrl: string): SourcesFile {
  const auth = { type: 'basic' as const, usernameEnv: 'ITSM_USER', passwordEnv: 'ITSM_PASSWORD' };
  return {
    sources: [
      {
        name: 'hub',
        kind: 'federation',
        url: hubUrl,
        sdlFile: join(ROOT, 'schema/hub.subgraph.graphql'),
        forwardAuthorization: true,
        subscriptions: true,
        timeoutMs: 10_000,
      },
      { name: 'itsm', kind: 'openapi', openapi: `${itsmUrl}/openapi.json`, url: itsmUrl, auth, timeoutMs: 500 },
      { name: 'itsmStatus', kind: 'graphql', url: `${itsmUrl}/graphql`, auth, timeoutMs: 500 },
    ],
    joins: [
      { type: 'Device', field: 'cmdb', source: 'itsm', query: 'configurationItem', args: { serialNumber: 'serialNumber' } },
      { type: 'Incident', field: 'itsmTicket', source: 'itsm', query: 'ticket', args: { number: 'externalRef' } },
      {
        type: 'Device',
        field: 'maintenanceWindows',
        source: 'itsmStatus',
        query: 'maintenanceWindows',
        args: { serialNumber: 'serialNumber' },
      },
    ],
  };
}

const CROSS_SOURCE = `{ incidents(first: 10) { edges { node { id severity externalRef
  itsmTicket { number state assignmentGroup comments { body } }
  device { serialNumber cmdb { location ownerTeam onCall } maintenanceWindows { reason } } } } } }`;

describe('the federation gateway over the hub and a customer ITSM', () => {
  let t: TestHub;
  let w: World;
  let itsm: CustomerItsm;
  let gateway: Gateway;
  let incidentA: string;

  async function viaGateway<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, key: string | null = w.keyA) {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    return { status: response.status, text, ...(JSON.parse(text) as GraphQLResponse<T>) };
  }

  beforeAll(async () => {
    t = await startTestHub();
    w = await createWorld(t);
    const contract = await createContract(t, { plan: CALM_7X24 });
    await assignToCustomer(t, contract, w.customerA);
    const contractB = await createContract(t, { plan: CALM_7X24 });
    await assignToCustomer(t, contractB, w.customerB);
    incidentA = (await report(t, { deviceSerial: w.deviceA1.serial, externalRef: `A-${w.deviceA1.serial}` }, w.keyA)).id;
    await report(t, { deviceSerial: w.deviceB1.serial, externalRef: `B-${w.deviceB1.serial}` }, w.keyB);

    itsm = await startCustomerItsm({ credentials: { username: ITSM_USER, password: ITSM_PASSWORD }, seed: false });
    for (const [device, company] of [
      [w.deviceA1, 'A'],
      [w.deviceA2, 'A'],
      [w.deviceB1, 'B'],
    ] as const)
      itsm.store.upsertConfigurationItem({
        serialNumber: device.serial,
        name: `host-${device.serial}`,
        company,
        location: `rack of ${device.serial}`,
        ownerTeam: `team ${company}`,
        onCall: `on-call ${company}`,
        status: 'INSTALLED',
      });
    itsm.store.createTicket(
      { number: `A-${w.deviceA1.serial}`, shortDescription: 'disk', state: 'IN_PROGRESS', assignmentGroup: 'Storage A' },
      'test',
    );
    itsm.store.addComment(`A-${w.deviceA1.serial}`, { author: 'ops', body: 'vendor called' }, 'test');
    itsm.store.createTicket(
      { number: `B-${w.deviceB1.serial}`, shortDescription: 'disk', state: 'NEW', assignmentGroup: 'Storage B' },
      'test',
    );
    itsm.store.addMaintenanceWindow({
      serialNumber: w.deviceA1.serial,
      startsAt: '2030-01-01T00:00:00Z',
      endsAt: '2030-01-01T02:00:00Z',
      reason: 'firmware',
    });

    gateway = await startGateway({
      sources: testSources(`${t.url}/graphql`, itsm.url),
      port: 0,
      host: '127.0.0.1',
      env: ENV,
      logLevel: false,
    });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await itsm?.close();
    await t?.stop();
  });

  beforeEach(() => {
    itsm.setFault(null);
    itsm.requestLog.length = 0;
  });

  it("answers the cross-source query for a CUSTOMER key: hub rows with the customer's CMDB record and ITSM ticket", async () => {
    const result = await viaGateway(CROSS_SOURCE);
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.incidents.edges.map((e: { node: unknown }) => e.node);
    expect(nodes).toEqual([
      {
        id: incidentA,
        severity: 'P3',
        externalRef: `A-${w.deviceA1.serial}`,
        itsmTicket: {
          number: `A-${w.deviceA1.serial}`,
          state: 'IN_PROGRESS',
          assignmentGroup: 'Storage A',
          comments: [{ body: 'vendor called' }],
        },
        device: {
          serialNumber: w.deviceA1.serial,
          cmdb: { location: `rack of ${w.deviceA1.serial}`, ownerTeam: 'team A', onCall: 'on-call A' },
          maintenanceWindows: [{ reason: 'firmware' }],
        },
      },
    ]);
  });

  it("never makes the customer system fetch another tenant's records for a CUSTOMER key", async () => {
    await viaGateway(CROSS_SOURCE);
    const incidentB = (await t.ok(`{ incidents(filter: { customerId: "${w.customerB}" }) { edges { node { id } } } }`)).incidents.edges[0]
      .node.id;
    // Probing with the other tenant's serial and incident through the gateway: the hub refuses, the join never runs.
    // One root field per query: when two non-null root fields fail, the hub reports the first only, and the
    // gateway's completion of the other then reports a masked error instead (nothing leaks either way).
    const probes = [
      await viaGateway(`query($s: String!) { device(serial: $s) { cmdb { location } } }`, { s: w.deviceB1.serial }),
      await viaGateway(`query($i: ID!) { incident(id: $i) { itsmTicket { number } } }`, { i: incidentB }),
    ];
    for (const probe of probes) {
      expect(probe.data ?? null).toBeNull();
      expect((probe.errors ?? []).map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    }
    // `_entities` is the hub's, not the gateway's: a client cannot send representations through it.
    const entities = await viaGateway(`query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`, {
      r: [{ __typename: 'Device', serialNumber: w.deviceB1.serial }],
    });
    expect(entities.errors?.[0].message).toMatch(/_entities|_Any/);
    expect(JSON.stringify(probes) + entities.text).not.toContain('team B');
    // And straight to the hub's `_entities` with A's key: B's rows are null with NOT_FOUND at their index.
    const direct = await t.gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Device { serialNumber } ... on Incident { id externalRef } } }`,
      {
        r: [
          { __typename: 'Device', serialNumber: w.deviceB1.serial },
          { __typename: 'Device', id: w.deviceB1.id },
          { __typename: 'Incident', id: incidentB },
          { __typename: 'Incident', id: incidentA },
        ],
      },
      w.keyA,
    );
    expect(direct.data?._entities).toEqual([null, null, null, { id: incidentA, externalRef: `A-${w.deviceA1.serial}` }]);
    expect((direct.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code]).sort()).toEqual([
      ['_entities.0', 'NOT_FOUND'],
      ['_entities.1', 'NOT_FOUND'],
      ['_entities.2', 'NOT_FOUND'],
    ]);
    expect(JSON.stringify(direct)).not.toContain(`B-${w.deviceB1.serial}`);

    const asked = itsm.requestLog.map((r) => r.path);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter((p) => p.includes(w.deviceB1.serial) || p.includes('B-'))).toEqual([]);
    expect(asked).toContain(`/api/cmdb/items/${w.deviceA1.serial}`);
  });

  it('answers a query of hub fields only exactly as the hub does, errors included', async () => {
    const incidentB = (await t.ok(`{ incidents(filter: { customerId: "${w.customerB}" }) { edges { node { id } } } }`)).incidents.edges[0]
      .node.id;
    const query = `query Mixed($mine: ID!, $theirs: ID!, $serial: String!) {
      mine: incident(id: $mine) { id severity device { serialNumber } }
      theirs: incident(id: $theirs) { id }
      device(serial: $serial) { id }
    }`;
    const variables = { mine: incidentA, theirs: incidentB, serial: w.deviceB1.serial };
    const direct = await t.gql(query, variables, w.keyA);
    const through = await viaGateway(query, variables);
    expect(through.status).toBe(200);
    // The hub's own answer: two non-null root fields refused, the first to fail reported (the two resolve
    // concurrently, so either). A stitched plan added a masked INTERNAL_SERVER_ERROR for the second.
    const shape = (r: GraphQLResponse) => ({ data: r.data ?? null, errors: r.errors?.map((e) => [e.path?.join('.'), e.extensions?.code]) });
    for (const answer of [direct, through]) {
      expect(answer.data ?? null).toBeNull();
      expect(answer.errors).toHaveLength(1);
      expect(['theirs', 'device']).toContain(answer.errors![0].path?.join('.'));
      expect(answer.errors![0].extensions?.code).toBe('NOT_FOUND');
    }
    const page = `{ incidents(first: 5) { totalCount edges { cursor node { id severity status device { serialNumber model } } } } }`;
    expect(shape(await viaGateway(page))).toEqual(shape(await t.gql(page, {}, w.keyA)));
    expect(JSON.stringify(through)).not.toContain(w.deviceB1.id);
  });

  it("forwards the client's key to the hub and never the customer system's credentials to the client", async () => {
    const anonymous = await viaGateway(CROSS_SOURCE, {}, null);
    expect(anonymous.data ?? null).toBeNull();
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(itsm.requestLog).toEqual([]);

    itsm.setFault({ kind: 'error500' });
    const failed = await viaGateway(CROSS_SOURCE);
    const basic = Buffer.from(`${ITSM_USER}:${ITSM_PASSWORD}`).toString('base64');
    for (const secret of [ITSM_PASSWORD, basic]) expect(failed.text).not.toContain(secret);
  });

  it("never logs the client's key or the customer system's credentials, even at debug level", async () => {
    const lines: string[] = [];
    const methods = ['trace', 'debug', 'info', 'log', 'warn', 'error'] as const;
    const spies = methods.map((m) =>
      jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void lines.push(args.map((a) => String(a)).join(' '))),
    );
    const verbose = await startGateway({
      sources: testSources(`${t.url}/graphql`, itsm.url),
      port: 0,
      host: '127.0.0.1',
      env: ENV,
      logLevel: 'debug',
    });
    try {
      const response = await fetch(verbose.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${w.keyA}` },
        body: JSON.stringify({ query: CROSS_SOURCE }),
      });
      expect(((await response.json()) as GraphQLResponse).errors).toBeUndefined();
    } finally {
      await verbose.close();
      for (const spy of spies) spy.mockRestore();
    }
    const log = lines.join('\n');
    // The upstream requests were logged, with their headers censored.
    expect(log).toContain(`/api/cmdb/items/${w.deviceA1.serial}`);
    expect(log).toContain('[redacted]');
    const basic = Buffer.from(`${ITSM_USER}:${ITSM_PASSWORD}`).toString('base64');
    for (const secret of [ITSM_PASSWORD, basic, w.keyA]) expect(log).not.toContain(secret);
  });

  it.each([
    ['down', { kind: 'down' as const }],
    ['slow (beyond its timeout)', { kind: 'slow' as const, delayMs: 3_000 }],
    ['answering HTML', { kind: 'html' as const }],
    ['answering 500', { kind: 'error500' as const }],
    ['answering wrong types', { kind: 'wrongTypes' as const }],
  ])("keeps the hub's fields when the customer system is %s: its fields are null with an error naming it", async (_label, fault) => {
    itsm.setFault(fault);
    const result = await viaGateway(CROSS_SOURCE);
    expect(result.status).toBe(200);
    const node = result.data!.incidents.edges[0].node;
    expect(node).toMatchObject({
      id: incidentA,
      severity: 'P3',
      externalRef: `A-${w.deviceA1.serial}`,
      device: { serialNumber: w.deviceA1.serial },
    });
    expect(node.itsmTicket).toBeNull();
    expect(node.device.cmdb).toBeNull();
    expect(result.errors!.length).toBeGreaterThan(0);
    for (const error of result.errors!) {
      expect(['itsm', 'itsmStatus']).toContain(error.extensions?.serviceName);
      expect(error.message.startsWith(`${error.extensions?.serviceName}: `)).toBe(true);
    }
    // And the gateway is still there for the next request.
    itsm.setFault(null);
    expect((await viaGateway(CROSS_SOURCE)).errors).toBeUndefined();
  });

  it('delivers incidentUpdated through the gateway over graphql-ws, with the joined CMDB fields', async () => {
    const client = createClient({
      url: gateway.url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${w.keyA}` },
      retryAttempts: 0,
    });
    try {
      const updates = collect(
        client,
        `subscription { incidentUpdated { kind incident { id device { serialNumber cmdb { location } } } } }`,
      );
      await new Promise((r) => setTimeout(r, 500)); // the subscription reaches the hub
      await t.ok(`mutation($id: ID!) { postIncidentProgress(id: $id, message: "through the gateway") { id } }`, { id: incidentA });
      const [event] = await updates.waitFor(1);
      expect(event?.errors).toBeUndefined();
      expect(event?.data?.incidentUpdated.incident).toEqual({
        id: incidentA,
        device: { serialNumber: w.deviceA1.serial, cmdb: { location: `rack of ${w.deviceA1.serial}` } },
      });
      updates.unsubscribe();
    } finally {
      await client.dispose();
    }
  });

  describe('npm run gateway -- --check', () => {
    const run = promisify(execFile);
    const check = async (sources: unknown) => {
      const dir = mkdtempSync(join(tmpdir(), 'gateway-check-'));
      const file = join(dir, 'sources.json');
      writeFileSync(file, JSON.stringify(sources));
      return run(process.execPath, ['-r', '@swc-node/register', 'src/gateway/main.ts', '--check'], {
        cwd: ROOT,
        env: { ...ENV, GATEWAY_SOURCES: file },
      }).then(
        ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
      );
    };

    it('composes the test sources, and names a join that points nowhere', async () => {
      expect(await composeSources(testSources(`${t.url}/graphql`, itsm.url), { env: ENV })).toMatchObject({ errors: [] });
      const badJoin = testSources(`${t.url}/graphql`, itsm.url);
      badJoin.joins.push({ type: 'Device', field: 'warranty', source: 'itsm', query: 'warrantyOf', args: { serial: 'serialNumber' } });
      expect(await composeSources(badJoin, { env: ENV })).toEqual({
        supergraphSdl: null,
        errors: ['join Device.warranty: source itsm has no query field warrantyOf'],
      });
    });

    it('prints one line per composition conflict, naming the sources and the field, and exits 1', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gateway-conflict-'));
      // A customer API whose Device disagrees with the hub's on a field type.
      writeFileSync(join(dir, 'assets.graphql'), 'type Query { assets: [Device!]! }\ntype Device { serialNumber: Int }\n');
      const conflicting = testSources(`${t.url}/graphql`, itsm.url);
      conflicting.sources.push({
        name: 'assets',
        kind: 'graphql',
        url: 'http://127.0.0.1:9/graphql',
        sdlFile: join(dir, 'assets.graphql'),
      });
      const conflict = await check(conflicting);
      expect(conflict.code).toBe(1);
      const lines = conflict.stderr.trim().split('\n');
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^composition: .*Device\.serialNumber.*"hub".*"assets"|^composition: .*Device\.serialNumber.*"assets".*"hub"/,
          ),
        ]),
      );
      for (const line of lines) expect(line).toMatch(/^composition: /);
    }, 60_000);
  });
});
