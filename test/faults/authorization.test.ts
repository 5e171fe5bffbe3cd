/**
 * Tenant isolation, generated from the schema: every root query and every
 * subscription is called by the CUSTOMER, PARTNER and WAREHOUSE keys of one
 * tenant with the other tenant's real ids (as required arguments, and in every
 * filter field that takes such an id), selecting every field reachable without
 * arguments, nested objects included. No row of the other tenant may come back:
 * the answer must hold none of its row ids (they are collected generically from
 * every @TenantScoped entity, see tenant-worlds.ts). Lists called without
 * arguments must hold none either.
 *
 * A root field missing from QUERIES / SUBSCRIPTIONS below, or an argument name
 * the probe cannot fill, fails the test: classify it here (which tenant id its
 * `id` argument takes, which mutation makes its subscription fire) so a new field
 * cannot slip through unprobed.
 */
import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { leaksIn, probeOperation, UnclassifiedArgument, type ArgValues } from '../support/authz-probe';
import { startTestHub, type TestHub } from '../support/hub';
import { createWorlds, rowIdsOf, type TenantWorld, type Worlds } from '../support/tenant-worlds';

type TenantRole = 'CUSTOMER' | 'PARTNER' | 'WAREHOUSE';
const ROLES: TenantRole[] = ['CUSTOMER', 'PARTNER', 'WAREHOUSE'];

/**
 * Every root query. `id`: which of a world's ids its `id` argument takes. `own`: the roles that must find
 * their own tenant's rows through it (a control that the probe is not vacuous).
 */
const QUERIES: Record<string, { id?: keyof TenantWorld | 'unknownId'; own?: TenantRole[] }> = {
  apiKeys: {},
  contract: { id: 'contractId', own: ['CUSTOMER'] },
  contracts: { own: ['CUSTOMER'] },
  customer: { id: 'customerId', own: ['CUSTOMER'] },
  customers: { own: ['CUSTOMER'] },
  deadLetters: {},
  depots: { own: ['WAREHOUSE'] },
  device: { own: ['CUSTOMER'] },
  devices: { own: ['CUSTOMER'] },
  eolImpact: {},
  findSpare: { own: ['WAREHOUSE'] },
  incident: { id: 'incidentId', own: ['CUSTOMER', 'PARTNER'] },
  incidents: { own: ['CUSTOMER', 'PARTNER'] },
  loaners: { own: ['WAREHOUSE'] },
  loans: { own: ['CUSTOMER', 'WAREHOUSE'] },
  me: { own: ['CUSTOMER', 'PARTNER', 'WAREHOUSE'] },
  notices: { own: ['CUSTOMER'] },
  part: {},
  parts: {},
  replenishmentSuggestions: {},
  reservation: { id: 'reservationId', own: ['WAREHOUSE'] },
  reservations: { own: ['WAREHOUSE'] },
  rma: { own: ['CUSTOMER', 'PARTNER'] },
  rmaHistoryBySerial: { own: ['CUSTOMER', 'PARTNER'] },
  rmas: { own: ['CUSTOMER', 'PARTNER'] },
  sites: { own: ['CUSTOMER'] },
  slaPreview: {},
  stockAlerts: { own: ['WAREHOUSE'] },
  stockLevels: { own: ['WAREHOUSE'] },
  stockMovements: { own: ['WAREHOUSE'] },
  stockTakes: {},
  supportCentre: { id: 'centreId', own: ['PARTNER'] },
  supportCentres: { own: ['PARTNER'] },
  transfers: {},
  workingCalendar: {},
  // service-ops (being built): the worlds hold none of its rows yet, so these are probed for leaks of the
  // other tenant's ids through their filters and nested fields, with an unknown id for their `id` argument.
  // Extend tenant-worlds.ts with inspections, complaints and surveys, and give them `own` controls, when it lands.
  inspectionPlans: {},
  inspectionPlan: { id: 'unknownId' },
  inspections: {},
  inspection: { id: 'unknownId' },
  complaints: {},
  complaint: { id: 'unknownId' },
  complaintPolicy: {},
  satisfactionSurveys: {},
  satisfactionSurvey: { id: 'unknownId' },
  slaComplianceReport: {},
  rmaLoanerReport: {},
  inspectionComplianceReport: {},
  satisfactionReport: {},
  // connectors: the worlds hold no alert connectors or webhook endpoints; probed with unknown ids
  // (tenant scoping of connectors and endpoints is asserted in test/connectors).
  alertConnectors: {},
  alertDeliveries: {},
  unmatchedAlerts: {},
  webhookEndpoints: {},
  webhookDeliveries: {},
  // ITSM connectors: none in the worlds either; test/connectors/itsm.e2e.test.ts asserts a customer sees only its own.
  itsmConnectors: {},
  itsmSyncLog: {},
  // Federation: `_entities` resolves the representations in dictionary(); `_service` is the SDL, no rows.
  _entities: { own: ['CUSTOMER', 'PARTNER', 'WAREHOUSE'] },
  _service: {},
  // contacts and notifications: the worlds hold no contacts; test/notifications/*.e2e.test.ts checks their scoping.
  contacts: {},
  escalationPlan: {},
};

/** Every subscription: the admin mutation that makes it fire for a world, and the roles that must receive their own. */
const SUBSCRIPTIONS: Record<string, { trigger: (t: TestHub, w: TenantWorld, worlds: Worlds) => Promise<unknown>; own: TenantRole[] }> = {
  incidentUpdated: {
    trigger: (t, w) => t.ok(`mutation($id: ID!) { postIncidentProgress(id: $id, message: "probe") { id } }`, { id: w.incidentId }),
    own: ['CUSTOMER', 'PARTNER'],
  },
  noticePublished: {
    trigger: (t, w) =>
      t.ok(`mutation($ids: [ID!]!) { publishNotice(input: { customerIds: $ids, kind: SERVICE_INFO, title: "probe", body: "b" }) { id } }`, {
        ids: [w.customerId],
      }),
    own: ['CUSTOMER'],
  },
  rmaUpdated: {
    trigger: (t, w) => t.ok(`mutation($n: String!) { approveRma(number: $n) { id } }`, { n: w.rmaNumber }),
    own: ['CUSTOMER', 'PARTNER'],
  },
  loanerUpdated: {
    trigger: (t, w) =>
      t.ok(`mutation($s: String!) { setLoanerState(serialNumber: $s, state: MAINTENANCE) { id } }`, { s: w.spareLoanerSerial }),
    own: ['WAREHOUSE'],
  },
  stockAlert: {
    // A second part below its reorder point at the world's depot: a new LOW_STOCK alert.
    trigger: async (t, w, worlds) => {
      const partNumber = `${worlds.partNumber}-B`;
      await t.gql(`mutation($i: CreatePartInput!) { createPart(input: $i) { id } }`, {
        i: { partNumber, manufacturer: 'Acme', description: 'fan', fitsModels: ['X'] },
      });
      await t.ok(`mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { id } }`, {
        i: { depotId: w.depotId, partNumber, quantity: 1, condition: 'NEW' },
      });
      await t.ok(`mutation($i: SetReorderPolicyInput!) { setReorderPolicy(input: $i) { id } }`, {
        i: { depotId: w.depotId, partNumber, condition: 'NEW', reorderPoint: 50, reorderQuantity: 10 },
      });
    },
    own: ['WAREHOUSE'],
  },
};

/** Argument names the probe fills with a world's values (in root arguments and in input objects). */
function dictionary(w: TenantWorld, worlds: Worlds, field: string): ArgValues {
  const id = QUERIES[field]?.id;
  return {
    ...(id ? { id: id === 'unknownId' ? '00000000-0000-4000-8000-000000000000' : w[id] } : {}),
    customerId: w.customerId,
    siteId: w.siteId,
    deviceId: w.deviceId,
    contractId: w.contractId,
    incidentId: w.incidentId,
    centreId: w.centreId,
    depotId: w.depotId,
    stockId: w.stockId,
    reservationId: w.reservationId,
    loanId: w.loanId,
    rmaNumber: w.rmaNumber,
    number: w.rmaNumber,
    serial: w.serial,
    deviceSerial: w.serial,
    idempotencyKey: w.reservationKey,
    connectorId: '00000000-0000-4000-8000-000000000000',
    endpointId: '00000000-0000-4000-8000-000000000000',
    representations: [
      { __typename: 'Customer', id: w.customerId },
      { __typename: 'Site', id: w.siteId },
      { __typename: 'Device', id: w.deviceId },
      { __typename: 'Device', serialNumber: w.serial },
      { __typename: 'Incident', id: w.incidentId },
      { __typename: 'Rma', number: w.rmaNumber },
      { __typename: 'Depot', id: w.depotId },
      { __typename: 'SupportCentre', id: w.centreId },
    ],
    // Not tenant data: the shared catalogue and calendar.
    partNumber: worlds.partNumber,
    region: 'CN',
    year: 2026,
    from: '2026-01-01',
    to: '2026-12-31',
  };
}

describe('tenant isolation across every query, nested field and subscription', () => {
  let t: TestHub;
  let schema: GraphQLSchema;
  let worlds: Worlds;
  let foreign: Set<string>;
  let own: Set<string>;

  beforeAll(async () => {
    t = await startTestHub();
    worlds = await createWorlds(t);
    foreign = await rowIdsOf(t, worlds.w2);
    own = await rowIdsOf(t, worlds.w1);
    const { data } = await t.gql<IntrospectionQuery>(getIntrospectionQuery());
    schema = buildClientSchema(data!);
  }, 60_000);
  afterAll(() => t?.stop());

  it('has every root query and subscription classified', () => {
    const queries = Object.keys(schema.getQueryType()!.getFields());
    const subscriptions = Object.keys(schema.getSubscriptionType()?.getFields() ?? {});
    const unclassified = [
      ...queries.filter((f) => !(f in QUERIES)).map((f) => `query ${f}`),
      ...subscriptions.filter((f) => !(f in SUBSCRIPTIONS)).map((f) => `subscription ${f}`),
    ];
    // Classify a new root field in QUERIES / SUBSCRIPTIONS of test/faults/authorization.test.ts.
    expect(unclassified).toEqual([]);
    expect(Object.keys(QUERIES).filter((f) => !queries.includes(f))).toEqual([]);
    expect(foreign.size).toBeGreaterThan(15);
  });

  /** Runs a probe, shrinking the selection if the cost/depth limits refuse it. */
  async function run(kind: 'query', field: string, dict: ArgValues, all: boolean, key: string) {
    for (const depth of [4, 3, 2, 1]) {
      const probe = probeOperation(schema, kind, field, dict, { all, depth });
      const r = await t.gql(probe.document, probe.variables, key);
      const codes = (r.errors ?? []).map((e) => e.extensions?.code);
      if (codes.some((c) => c === 'QUERY_TOO_COMPLEX' || c === 'QUERY_TOO_DEEP')) continue;
      return { probe, result: r, codes };
    }
    throw new Error(`${field}: no selection small enough for the limits`);
  }

  it('gives no tenant key anything of the other tenant, by id, by filter or in nested fields', async () => {
    const problems: string[] = [];
    const found = new Map<TenantRole, Set<string>>(ROLES.map((r) => [r, new Set()]));
    for (const field of Object.keys(schema.getQueryType()!.getFields())) {
      if (!(field in QUERIES)) continue; // reported by the classification test
      for (const role of ROLES) {
        const key = worlds.w1.keys[role];
        try {
          for (const all of [false, true]) {
            const { probe, result, codes } = await run('query', field, dictionary(worlds.w2, worlds, field), all, key);
            // A report's `scope` repeats the caller's own filter back: not a row of the other tenant.
            const passed = new Set(leaksIn(probe.variables, foreign).map((l) => l.split(' = ')[1]));
            const leaks = leaksIn(result.data, foreign).filter((l) => !(/\.scope\./.test(l) && passed.has(l.split(' = ')[1])));
            if (leaks.length)
              problems.push(
                `${role} ${field}${all ? ' (all filters)' : ''} leaks ${leaks.slice(0, 3).join(', ')} — ${probe.document.slice(0, 200)} ${JSON.stringify(probe.variables)}`,
              );
            if (codes.includes('INTERNAL_SERVER_ERROR'))
              problems.push(`${role} ${field}${all ? ' (all filters)' : ''}: INTERNAL_SERVER_ERROR`);
          }
          // Control: with its own ids the same probes find the caller's own rows where they should.
          for (const all of [false, true]) {
            const mine = await run('query', field, dictionary(worlds.w1, worlds, field), all, key);
            if (leaksIn(mine.result.data, foreign).length)
              problems.push(`${role} ${field} (own ids) leaks ${leaksIn(mine.result.data, foreign).slice(0, 3).join(', ')}`);
            if (leaksIn(mine.result.data, own).length > 0) found.get(role)!.add(field);
          }
          // Lists without any argument.
          const bare = await run('query', field, {}, false, key).catch((e: unknown) =>
            e instanceof UnclassifiedArgument ? null : Promise.reject(e),
          );
          if (bare && leaksIn(bare.result.data, foreign).length)
            problems.push(`${role} ${field} (no arguments) leaks ${leaksIn(bare.result.data, foreign).slice(0, 3).join(', ')}`);
        } catch (error) {
          if (error instanceof UnclassifiedArgument)
            problems.push(`${field}: ${error.message} — add it to dictionary() in test/faults/authorization.test.ts`);
          else throw error;
        }
      }
    }
    for (const role of ROLES) {
      const expected = Object.entries(QUERIES)
        .filter(([, c]) => c.own?.includes(role))
        .map(([f]) => f);
      const missing = expected.filter((f) => !found.get(role)!.has(f));
      if (missing.length) problems.push(`control: ${role} did not find its own rows through ${missing.join(', ')}`);
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('delivers no live update about the other tenant, whatever the subscription arguments', async () => {
    const wsUrl = `${t.url.replace('http', 'ws')}/graphql`;
    const clients: Client[] = [];
    const received: Array<{ role: TenantRole; field: string; args: string; data: unknown; errors?: unknown }> = [];
    const problems: string[] = [];
    try {
      for (const role of ROLES) {
        const client = createClient({
          url: wsUrl,
          webSocketImpl: WebSocket,
          connectionParams: { apiKey: worlds.w1.keys[role] },
          retryAttempts: 0,
          lazy: false,
        });
        clients.push(client);
        for (const field of Object.keys(schema.getSubscriptionType()!.getFields())) {
          if (!(field in SUBSCRIPTIONS)) continue;
          const variants: Array<[string, ArgValues, boolean]> = [
            ['other tenant ids', dictionary(worlds.w2, worlds, field), true],
            ['required only, other tenant', dictionary(worlds.w2, worlds, field), false],
            ['own ids', dictionary(worlds.w1, worlds, field), true],
            ['required only, own', dictionary(worlds.w1, worlds, field), false],
          ];
          for (const [args, dict, all] of variants) {
            let probe;
            try {
              probe = probeOperation(schema, 'subscription', field, dict, { all, depth: 3 });
            } catch (error) {
              if (error instanceof UnclassifiedArgument) {
                problems.push(`subscription ${field}: ${error.message}`);
                continue;
              }
              throw error;
            }
            client.subscribe(
              { query: probe.document, variables: probe.variables },
              {
                next: (value) => received.push({ role, field, args, data: value.data, errors: value.errors }),
                error: (error) => received.push({ role, field, args, data: null, errors: error }),
                complete: () => undefined,
              },
            );
          }
        }
      }
      await new Promise((r) => setTimeout(r, 1_000));
      for (const { trigger } of Object.values(SUBSCRIPTIONS)) {
        await trigger(t, worlds.w2, worlds);
        await trigger(t, worlds.w1, worlds);
      }
      // Every role receives its own tenant's updates (the control), then a pause for stray ones.
      const controls = Object.entries(SUBSCRIPTIONS).flatMap(([field, s]) => s.own.map((role) => ({ role, field })));
      const deadline = Date.now() + 15_000;
      const missing = () =>
        controls.filter(
          (c) => !received.some((r) => r.role === c.role && r.field === c.field && r.data && leaksIn(r.data, own).length > 0),
        );
      while (missing().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1_000));
      for (const m of missing()) problems.push(`control: ${m.role} received no update of its own through ${m.field}`);
      for (const r of received) {
        const leaks = leaksIn(r.data, foreign);
        if (leaks.length) problems.push(`${r.role} ${r.field} (${r.args}) received ${leaks.slice(0, 3).join(', ')}`);
        if (JSON.stringify(r.errors ?? '').includes('INTERNAL_SERVER_ERROR'))
          problems.push(`${r.role} ${r.field} (${r.args}): INTERNAL_SERVER_ERROR`);
      }
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
    }
    expect(problems).toEqual([]);
  }, 60_000);
});
