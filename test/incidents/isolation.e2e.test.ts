import { collect, startTestHub, TestHub } from '../support/hub';
import { assignToCustomer, CALM_7X24, createContract, createWorld, report, sleep, World } from './fixtures';

/** A CUSTOMER key sees its own organisation's incidents only: in queries, nested fields and subscriptions. */
describe('customer isolation of incidents', () => {
  let t: TestHub;
  let w: World;
  let contractA: string;
  let shared: string;
  let incidentA: string;
  let incidentB: string;

  beforeAll(async () => {
    t = await startTestHub();
    w = await createWorld(t);
    contractA = await createContract(t, { plan: CALM_7X24, customerId: w.customerA });
    shared = await createContract(t, { plan: CALM_7X24 });
    await assignToCustomer(t, contractA, w.customerA);
    await assignToCustomer(t, shared, w.customerB);
    incidentA = (await report(t, { deviceSerial: w.deviceA1.serial, externalRef: 'SAME-REF' }, w.keyA)).id;
    incidentB = (await report(t, { deviceSerial: w.deviceB1.serial, externalRef: 'SAME-REF' }, w.keyB)).id;
  });
  afterAll(() => t?.stop());

  it("answers NOT_FOUND for another customer's incident, device, site and contract", async () => {
    const q = async (query: string, variables: Record<string, unknown>) =>
      (await t.gql(query, variables, w.keyB)).errors?.[0].extensions?.code;
    expect(await q(`query($id: ID!) { incident(id: $id) { id } }`, { id: incidentA })).toBe('NOT_FOUND');
    expect(await q(`query($s: String!) { device(serial: $s) { id } }`, { s: w.deviceA1.serial })).toBe('NOT_FOUND');
    expect(await q(`query($c: ID!) { contract(id: $c) { id } }`, { c: contractA })).toBe('NOT_FOUND');
    expect(
      await q(
        `query($c: ID!, $site: ID!) { slaPreview(contractId: $c, severity: P1, at: "2026-04-03T09:00:00Z", siteId: $site) { calendarIncomplete } }`,
        { c: shared, site: w.siteA },
      ),
    ).toBe('NOT_FOUND');
    // Reporting on another customer's device is refused the same way, and writes nothing.
    expect(
      await q(
        `mutation($s: String!) { reportIncident(input: { deviceSerial: $s, severity: P1, summary: "not mine", channel: API }) { id } }`,
        { s: w.deviceA1.serial },
      ),
    ).toBe('NOT_FOUND');
    expect(await q(`mutation($id: ID!) { confirmIncidentClosure(id: $id) { id } }`, { id: incidentA })).toBe('NOT_FOUND');
  });

  it('scopes lists and filters, even when filtering by the other customer', async () => {
    const list = async (filter: Record<string, unknown>, key: string) =>
      (
        await t.ok(
          `query($f: IncidentFilter) { incidents(filter: $f) { totalCount edges { node { id customerId } } } }`,
          { f: filter },
          key,
        )
      ).incidents;
    expect((await list({}, w.keyB)).edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([incidentB]);
    expect((await list({ customerId: w.customerA }, w.keyB)).totalCount).toBe(0);
    expect((await list({ siteId: w.siteA }, w.keyB)).totalCount).toBe(0);
    expect((await list({}, w.keyA)).edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([incidentA]);
    expect((await list({}, t.adminKey)).totalCount).toBe(2);
    const contracts = (await t.ok(`{ contracts { id } }`, {}, w.keyB)).contracts.map((c: { id: string }) => c.id);
    expect(contracts).toEqual([shared]);
  });

  it("scopes nested fields: a device's history and an incident's customer/site/device", async () => {
    const own = await t.ok(
      `query($s: String!) { device(serial: $s) { serialNumber incidents { id customer { id } site { id } device { serialNumber } timeline { type } } } }`,
      { s: w.deviceB1.serial },
      w.keyB,
    );
    expect(own.device.incidents).toEqual([
      {
        id: incidentB,
        customer: { id: w.customerB },
        site: { id: w.siteB },
        device: { serialNumber: w.deviceB1.serial },
        timeline: [{ type: 'REPORTED' }],
      },
    ]);
    // Staff see the full history of A's device; a customer list of devices never carries another customer's incidents.
    const staff = await t.ok(`query($s: String!) { device(serial: $s) { incidents { id } } }`, { s: w.deviceA1.serial });
    expect(staff.device.incidents).toEqual([{ id: incidentA }]);
    const devicesB = await t.ok(`{ devices { serialNumber incidents { id customerId } } }`, {}, w.keyB);
    const seen = devicesB.devices.flatMap((d: { incidents: Array<{ customerId: string }> }) => d.incidents.map((i) => i.customerId));
    expect(new Set(seen)).toEqual(new Set([w.customerB]));
    const customerView = await t.ok(`query($id: ID!) { incident(id: $id) { contract { id } } }`, { id: incidentB }, w.keyB);
    expect(customerView.incident.contract.id).toBe(shared);
  });

  it('delivers live updates only to the owning customer (and staff), whatever the subscription arguments', async () => {
    const query = `subscription($id: ID, $c: ID) { incidentUpdated(incidentId: $id, customerId: $c) { kind incident { id customerId } } }`;
    const subA = collect(t.wsClient(w.keyA), query);
    const subB = collect(t.wsClient(w.keyB), query);
    const snoopById = collect(t.wsClient(w.keyB), query, { id: incidentA });
    const snoopByCustomer = collect(t.wsClient(w.keyB), query, { c: w.customerA });
    const staff = collect(t.wsClient(t.adminKey), query, { c: w.customerA });
    const staffOne = collect(t.wsClient(t.adminKey), query, { id: incidentB });
    await sleep(300);
    await t.ok(`mutation($id: ID!) { acknowledgeIncident(id: $id) { id } }`, { id: incidentA });
    await t.ok(`mutation($id: ID!) { acknowledgeIncident(id: $id) { id } }`, { id: incidentB });
    await subA.waitFor(1);
    await subB.waitFor(1);
    await staff.waitFor(1);
    await staffOne.waitFor(1);
    await sleep(300);
    const ids = (s: ReturnType<typeof collect>) =>
      s.events.map((e) => (e.data as { incidentUpdated: { incident: { id: string } } }).incidentUpdated.incident.id);
    expect(ids(subA)).toEqual([incidentA]);
    expect(ids(subB)).toEqual([incidentB]);
    expect(ids(snoopById)).toEqual([]);
    expect(ids(snoopByCustomer)).toEqual([]);
    expect(ids(staff)).toEqual([incidentA]);
    expect(ids(staffOne)).toEqual([incidentB]);
  });
});
