import type { DemoContext } from '../../src/platform/hub';
import { calendarModule } from '../../src/modules/calendar';
import { contractsModule } from '../../src/modules/contracts';
import { seedCustomers } from '../../src/modules/customers/customers.seed';
import { incidentsModule } from '../../src/modules/incidents';
import { startTestHub, TestHub } from '../support/hub';

describe('demo seed of calendars, contracts and incidents', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t?.stop());

  it('imports the package calendar years, creates two plans, assigns them and reports live incidents', async () => {
    const demo: DemoContext = {};
    await seedCustomers(t.app.hub, demo);
    for (const module of [calendarModule, contractsModule, incidentsModule]) await module.seed!(t.app.hub, demo);

    const cal = await t.ok(`{ workingCalendar(region: "CN", year: 2026) { complete days { date } } }`);
    expect(cal.workingCalendar.complete).toBe(true);
    expect(cal.workingCalendar.days.length).toBeGreaterThan(30);
    const contracts = await t.ok(
      `{ contracts { code coverage { type label } targets { severity response restore onSite { urban suburban remote } } } }`,
    );
    expect(contracts.contracts.map((c: { code: string }) => c.code)).toEqual(['PREMIUM-7X24', 'STANDARD-5X8']);
    expect(contracts.contracts[0].targets[0]).toEqual({
      severity: 'P1',
      response: 'PT30M',
      restore: 'PT4H',
      onSite: { urban: 'PT2H', suburban: 'PT4H', remote: 'PT8H' },
    });

    const incidents = await t.ok(
      `{ incidents { totalCount edges { node { severity status emergencyActive contract { code } device { serialNumber } clocks { kind dueAt } } } } }`,
    );
    expect(incidents.incidents.totalCount).toBe(3);
    const bySerial = Object.fromEntries(
      incidents.incidents.edges.map((e: { node: { device: { serialNumber: string } } }) => [e.node.device.serialNumber, e.node]),
    );
    // Device-level premium assignment wins over the customer's standard default.
    expect(bySerial['SN-DL380-0002'].contract.code).toBe('PREMIUM-7X24');
    expect(bySerial['SN-2288H-0001']).toMatchObject({ status: 'ACKNOWLEDGED', contract: { code: 'STANDARD-5X8' } });
    expect(bySerial['SN-UN5500-0001']).toMatchObject({ severity: 'P1', emergencyActive: true, contract: { code: 'PREMIUM-7X24' } });
  });
});
