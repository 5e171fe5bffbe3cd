import { IncidentResolver } from '../../src/modules/incidents/incidents.resolver';
import { collect, startTestHub, TestHub } from '../support/hub';
import { assignToCustomer, CALM_7X24, createContract, createWorld, report, sleep, World } from './fixtures';

/**
 * Identical live subscriptions share one execution per event (fan-out to thousands of
 * dashboards), but only within one API key and scope: tenants never share a result.
 */
describe('grouped execution of live incident updates', () => {
  let t: TestHub;
  let w: World;
  let incidentA: string;
  let incidentB: string;

  beforeAll(async () => {
    t = await startTestHub();
    w = await createWorld(t);
    const contractA = await createContract(t, { plan: CALM_7X24, customerId: w.customerA });
    const contractB = await createContract(t, { plan: CALM_7X24 });
    await assignToCustomer(t, contractA, w.customerA);
    await assignToCustomer(t, contractB, w.customerB);
    incidentA = (await report(t, { deviceSerial: w.deviceA1.serial }, w.keyA)).id;
    incidentB = (await report(t, { deviceSerial: w.deviceB1.serial }, w.keyB)).id;
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.stop();
  });

  it('executes once per group of identical subscriptions, and each tenant gets only its own incidents', async () => {
    const query = `subscription($id: ID) { incidentUpdated(incidentId: $id) { kind incident { id customerId customer { id } } } }`;
    const dashboards = (key: string, count: number, variables: Record<string, unknown> = {}) =>
      Array.from({ length: count }, () => collect(t.wsClient(key), query, variables));
    const customerA = dashboards(w.keyA, 3);
    const customerB = dashboards(w.keyB, 2);
    const staff = dashboards(t.adminKey, 3);
    const staffWatchingB = dashboards(t.adminKey, 2, { id: incidentB });
    await sleep(300);

    const rootCalls = jest.spyOn(IncidentResolver.prototype, 'incidentUpdated');
    const customerFieldCalls = jest.spyOn(IncidentResolver.prototype, 'customer');
    await t.ok(`mutation($id: ID!) { acknowledgeIncident(id: $id) { id } }`, { id: incidentA });
    await t.ok(`mutation($id: ID!) { acknowledgeIncident(id: $id) { id } }`, { id: incidentB });
    await Promise.all([...customerA, ...customerB, ...staffWatchingB].map((s) => s.waitFor(1)));
    await Promise.all(staff.map((s) => s.waitFor(2)));
    await sleep(300);

    const seen = (s: ReturnType<typeof collect>) =>
      s.events.map((e) => {
        const update = (e.data as { incidentUpdated: { incident: { id: string; customerId: string; customer: { id: string } } } })
          .incidentUpdated;
        return [update.incident.id, update.incident.customer.id];
      });
    for (const s of customerA) expect(seen(s)).toEqual([[incidentA, w.customerA]]);
    for (const s of customerB) expect(seen(s)).toEqual([[incidentB, w.customerB]]);
    for (const s of staff)
      expect(seen(s)).toEqual([
        [incidentA, w.customerA],
        [incidentB, w.customerB],
      ]);
    for (const s of staffWatchingB) expect(seen(s)).toEqual([[incidentB, w.customerB]]);

    // Per event, one execution per group that lets it through: A's update reaches the customer A group, the staff
    // group (and is filtered out for staff watching B); B's reaches customer B, staff and staff watching B.
    // Executed per subscriber it would have been 3 + 3 and 2 + 3 + 2 times.
    expect(rootCalls).toHaveBeenCalledTimes(2 + 3);
    expect(customerFieldCalls).toHaveBeenCalledTimes(2 + 3);
  });
});
