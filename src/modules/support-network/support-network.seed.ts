import type { DemoContext, Hub } from '../../platform/hub';
import { SupportNetworkService } from './support-network.service';

/** A three-tier chain plus a second local centre: OEM ← East China regional ← Shanghai and Suzhou partners. */
export async function seedSupportNetwork(hub: Hub, demo: DemoContext): Promise<void> {
  const service = hub.get(SupportNetworkService);
  const tier3 = await service.createCentre({
    code: 'T3-OEM-TAC',
    name: 'OEM Technical Assistance Centre',
    tier: 3,
    region: 'CN',
    kafkaSourceId: 'oem.tac',
    contactName: 'TAC duty manager',
    contactEmail: 'tac@oem.example',
    contactPhone: '+86 400 555 0300',
  });
  const tier2 = await service.createCentre({
    code: 'T2-EAST',
    name: 'Vendor regional service centre East China',
    tier: 2,
    region: 'CN-EAST',
    parentId: tier3.id,
    kafkaSourceId: 'vendor.east',
    contactName: 'Wang Fang',
    contactEmail: 'east-service@vendor.example',
    contactPhone: '+86 21 5555 0200',
  });
  const tier1 = await service.createCentre({
    code: 'T1-SH-01',
    name: 'Shanghai Pudong partner service centre',
    tier: 1,
    region: 'CN-EAST',
    parentId: tier2.id,
    kafkaSourceId: 'partner.sh01',
    contactName: 'Zhao Lei',
    contactEmail: 'service@sh01-partner.example',
    contactPhone: '+86 21 5555 0101',
  });
  const suzhou = await service.createCentre({
    code: 'T1-SZ-01',
    name: 'Suzhou partner service centre',
    tier: 1,
    region: 'CN-EAST',
    parentId: tier2.id,
    kafkaSourceId: 'partner.sz01',
    contactEmail: 'service@sz01-partner.example',
  });
  Object.assign(demo, { centres: { tier1, tier2, tier3, suzhou } });
}
