import { connectorActor, systemActor } from '../../src/platform/auth/actor';
import { IncidentCommands, IncidentChannel, Incident, IncidentEvent } from '../../src/modules/incidents';
import { Severity } from '../../src/modules/sla/sla.enums';
import { startTestHub, TestHub } from '../support/hub';
import { assignToCustomer, CALM_7X24, createContract, createWorld, World } from './fixtures';

/** `openIncident(tx, actor, input)`: the command inbound integrations call inside their own transaction. */
describe("openIncident inside the caller's transaction", () => {
  let t: TestHub;
  let w: World;

  beforeAll(async () => {
    t = await startTestHub();
    w = await createWorld(t);
    const contract = await createContract(t, { plan: CALM_7X24, customerId: w.customerA });
    await assignToCustomer(t, contract, w.customerA);
  });
  afterAll(() => t?.stop());

  const commands = () => t.app.hub.get(IncidentCommands);
  const input = (serial: string, externalRef?: string) => ({
    deviceSerial: serial,
    severity: Severity.P2,
    summary: 'Fan failure reported by monitoring',
    channel: IncidentChannel.MONITORING,
    externalRef,
  });

  it("opens an incident for a connector of the device's customer, named after the connector in the timeline", async () => {
    const connector = connectorActor('conn-1', w.customerA, 'prom-bank-a');
    const incident = await t.app.hub.db.transaction((tx) => commands().openIncident(tx, connector, input(w.deviceA1.serial, 'ALERT-1')));
    expect(incident).toMatchObject({
      customerId: w.customerA,
      deviceId: w.deviceA1.id,
      status: 'NEW',
      reportedBy: 'connector prom-bank-a',
    });
    const events = await t.app.hub.db.manager.findBy(IncidentEvent, { incidentId: incident.id });
    expect(events.map((e) => [e.type, e.actor])).toEqual([['REPORTED', 'connector prom-bank-a']]);
    const seen = await t.ok(`query($id: ID!) { incident(id: $id) { id severity channel } }`, { id: incident.id }, w.keyA);
    expect(seen.incident).toEqual({ id: incident.id, severity: 'P2', channel: 'MONITORING' });
  });

  it("answers NOT_FOUND when the device belongs to another customer than the connector's, and writes nothing", async () => {
    const connector = connectorActor('conn-2', w.customerB, 'prom-other');
    const before = await t.app.hub.db.manager.count(Incident);
    await expect(
      t.app.hub.db.transaction((tx) => commands().openIncident(tx, connector, input(w.deviceA1.serial, 'ALERT-2'))),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await t.app.hub.db.manager.count(Incident)).toBe(before);
  });

  it("rolls back with the caller's transaction, and a repeated externalRef returns the first incident", async () => {
    const system = systemActor('test');
    const before = await t.app.hub.db.manager.count(Incident);
    await expect(
      t.app.hub.db.transaction(async (tx) => {
        await commands().openIncident(tx, system, input(w.deviceA2.serial, 'ALERT-3'));
        throw new Error('the caller fails after opening');
      }),
    ).rejects.toThrow('the caller fails after opening');
    expect(await t.app.hub.db.manager.count(Incident)).toBe(before);

    const first = await t.app.hub.db.transaction((tx) => commands().openIncident(tx, system, input(w.deviceA2.serial, 'ALERT-4')));
    const again = await t.app.hub.db.transaction((tx) => commands().openIncident(tx, system, input(w.deviceA2.serial, 'ALERT-4')));
    expect(again.id).toBe(first.id);
    expect(await t.app.hub.db.manager.count(Incident)).toBe(before + 1);
  });
});
