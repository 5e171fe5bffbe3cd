import type { DemoContext, Hub } from '../../platform/hub';
import { systemActor } from '../../platform/auth/actor';
import { DepotsService } from './depots.service';
import { PartCondition } from './part.entity';
import { PartsService } from './parts.service';
import { ReorderPolicyService } from './reorder-policy.service';
import { StockService } from './stock.service';

type DemoSites = Record<'shanghaiDc' | 'suzhouDr' | 'beijingDc' | 'hebeiRoom' | 'gzRoom', { id: string }>;

/** Two depots (Shanghai for the east and south, Beijing for the north), parts for the demo models, stock with reorder points. */
export async function seedInventory(hub: Hub, demo: DemoContext): Promise<void> {
  const seed = systemActor('demo seed');
  const depots = hub.get(DepotsService);
  const parts = hub.get(PartsService);
  const stock = hub.get(StockService);

  const shanghai = await depots.create({
    code: 'SH-WGQ',
    name: 'Shanghai Waigaoqiao spare-parts depot',
    region: 'CN-EAST',
    city: 'Shanghai',
  });
  const beijing = await depots.create({ code: 'BJ-YZ', name: 'Beijing Yizhuang spare-parts depot', region: 'CN-NORTH', city: 'Beijing' });
  const sites = demo.sites as DemoSites | undefined;
  await depots.setCoverage(shanghai.id, [
    { region: 'CN-EAST', deliveryTime: 'PT2H' },
    { region: 'CN-SOUTH', deliveryTime: 'PT12H' },
    { region: 'CN-NORTH', deliveryTime: 'PT10H' },
    ...(sites ? [{ siteId: sites.suzhouDr.id, deliveryTime: 'PT3H' }] : []),
  ]);
  await depots.setCoverage(beijing.id, [
    { region: 'CN-NORTH', deliveryTime: 'PT2H' },
    { region: 'CN-EAST', deliveryTime: 'PT8H' },
    ...(sites ? [{ siteId: sites.hebeiRoom.id, deliveryTime: 'PT5H' }] : []),
  ]);

  const catalogue = [
    { partNumber: 'DELL-0GDPF3', manufacturer: 'Dell', description: '750 W hot-plug power supply', fitsModels: ['PowerEdge R740'] },
    {
      partNumber: 'HPE-P38995-B21',
      manufacturer: 'HPE',
      description: '800 W Flex Slot power supply',
      fitsModels: ['ProLiant DL380 Gen10'],
    },
    {
      partNumber: 'M393A4K40DB2-CVF',
      manufacturer: 'Samsung',
      description: '32 GB DDR4-2933 RDIMM',
      fitsModels: ['PowerEdge R740', 'ProLiant DL380 Gen10', 'FusionServer 2288H V5'],
    },
    {
      partNumber: 'ST1200MM0099',
      manufacturer: 'Seagate',
      description: '1.2 TB SAS 10k 2.5" disk',
      fitsModels: ['Unity 500', 'OceanStor 5500 V5'],
    },
    {
      partNumber: 'NXA-PAC-650W-PE',
      manufacturer: 'Cisco',
      description: '650 W AC power supply, port-side exhaust',
      fitsModels: ['Nexus 93180YC'],
    },
    { partNumber: 'HW-02312QMT', manufacturer: 'Huawei', description: 'Hot-swap system fan module', fitsModels: ['FusionServer 2288H V5'] },
  ];
  const created = [];
  for (const entry of catalogue) created.push(await parts.create(entry));

  const lines: Array<[typeof shanghai, string, PartCondition, number, number, number]> = [
    [shanghai, 'DELL-0GDPF3', PartCondition.NEW, 6, 2, 4],
    [shanghai, 'M393A4K40DB2-CVF', PartCondition.NEW, 20, 8, 20],
    [shanghai, 'M393A4K40DB2-CVF', PartCondition.REFURBISHED, 5, 0, 0],
    [shanghai, 'ST1200MM0099', PartCondition.NEW, 12, 4, 8],
    [shanghai, 'NXA-PAC-650W-PE', PartCondition.NEW, 3, 1, 2],
    [shanghai, 'HW-02312QMT', PartCondition.NEW, 4, 1, 2],
    [beijing, 'HPE-P38995-B21', PartCondition.NEW, 5, 2, 4],
    [beijing, 'M393A4K40DB2-CVF', PartCondition.NEW, 10, 4, 10],
    [beijing, 'ST1200MM0099', PartCondition.NEW, 8, 3, 6],
    [beijing, 'HW-02312QMT', PartCondition.NEW, 2, 1, 2],
  ];
  for (const [depot, partNumber, condition, quantity, reorderPoint, reorderQuantity] of lines) {
    await stock.receive(seed, { depotId: depot.id, partNumber, condition, quantity, reason: 'opening stock' });
    if (reorderPoint > 0)
      await hub.get(ReorderPolicyService).setReorderPolicy({ depotId: depot.id, partNumber, condition, reorderPoint, reorderQuantity });
  }
  Object.assign(demo, { depots: { shanghai, beijing }, parts: created });
}
