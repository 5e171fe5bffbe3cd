import { seedCustomers } from '../../src/modules/customers/customers.seed';
import { inventoryModule } from '../../src/modules/inventory';
import { loanersModule } from '../../src/modules/loaners';
import { Role } from '../../src/platform/auth/principal';
import type { DemoContext } from '../../src/platform/hub';
import { startTestHub, TestHub } from '../support/hub';
import { unexplainedStock } from './fixtures';

const MY_TABLES =
  /\b(parts|part_fitments|depots|depot_coverage|stock|stock_movements|reservations|stock_transfers|stock_takes|stock_take_lines|stock_alerts|replenishment_suggestions|loaners|loans)\b/;

describe('inventory and loaners: demo data and schema', () => {
  let t: TestHub;
  const demo: DemoContext = {};

  beforeAll(async () => {
    t = await startTestHub();
    await seedCustomers(t.app.hub, demo);
    await inventoryModule.seed!(t.app.hub, demo);
    await loanersModule.seed!(t.app.hub, demo);
  });
  afterAll(() => t?.stop());

  it('the migration creates exactly the tables and indexes the entities declare', async () => {
    const pending = await t.app.hub.db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query).filter((q) => MY_TABLES.test(q))).toEqual([]);
  });

  it('seeds two depots with stock a WAREHOUSE key of Shanghai can work with', async () => {
    const depots = demo.depots as { shanghai: { id: string }; beijing: { id: string } };
    expect(depots.shanghai.id).toEqual(expect.any(String));
    const key = await t.createKey(Role.WAREHOUSE, depots.shanghai.id);
    const levels = await t.ok(`{ stockLevels { depot { code } partNumber available } }`, {}, key);
    expect(new Set(levels.stockLevels.map((l: any) => l.depot.code))).toEqual(new Set(['SH-WGQ']));
    expect(levels.stockLevels.length).toBeGreaterThan(3);
    expect(await unexplainedStock(t)).toEqual([]);

    const sites = demo.sites as Record<string, { id: string }>;
    const spares = await t.ok(
      `query($partNumber: String!, $siteId: ID!, $deadline: DateTimeISO!) { findSpare(partNumber: $partNumber, siteId: $siteId, deadline: $deadline) { depot { code } deliveryTime meetsDeadline } }`,
      { partNumber: 'M393A4K40DB2-CVF', siteId: sites.hebeiRoom.id, deadline: new Date(Date.now() + 6 * 3600_000).toISOString() },
    );
    expect(spares.findSpare.slice(0, 2)).toEqual([
      { depot: { code: 'BJ-YZ' }, deliveryTime: 'PT5H', meetsDeadline: true },
      { depot: { code: 'SH-WGQ' }, deliveryTime: 'PT10H', meetsDeadline: false },
    ]);
  });

  it('seeds loaners of the demo models: a Beijing DL380 gets the Beijing DL380 loaner', async () => {
    const loan = await t.ok(
      `mutation { assignLoaner(input: { deviceSerial: "SN-DL380-0001", rmaNumber: "RMA-DEMO-1" }) { match loaner { serialNumber } } }`,
    );
    expect(loan.assignLoaner).toEqual({ match: 'SAME_MODEL', loaner: { serialNumber: 'LN-DL380-001' } });
    const next = await t.ok(
      `mutation { assignLoaner(input: { deviceSerial: "SN-DL380-0002", rmaNumber: "RMA-DEMO-2" }) { match loaner { serialNumber } } }`,
    );
    expect(next.assignLoaner).toEqual({ match: 'EQUIVALENT', loaner: { serialNumber: 'LN-R740-002' } });
  });
});
