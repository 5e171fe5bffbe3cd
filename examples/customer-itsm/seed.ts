import type { ItsmStore } from './store';

/**
 * The demo customers' installed base as their CMDB knows it: the serial numbers the hub's
 * demo seed registers (src/modules/customers/customers.seed.ts), with what only the
 * customer knows (rack location, owning team, who is on call).
 */
export const DEMO_CONFIGURATION_ITEMS = [
  {
    serialNumber: 'SN-PE740-0001',
    name: 'core-banking-app-01',
    company: 'Huadong Commercial Bank',
    location: 'Zhangjiang DC, hall B, rack B07 U12',
    ownerTeam: 'Core Banking Infrastructure',
    onCall: 'Zhou Lin +86 21 5555 0111',
  },
  {
    serialNumber: 'SN-PE740-0002',
    name: 'core-banking-app-02',
    company: 'Huadong Commercial Bank',
    location: 'Zhangjiang DC, hall B, rack B07 U14',
    ownerTeam: 'Core Banking Infrastructure',
    onCall: 'Zhou Lin +86 21 5555 0111',
  },
  {
    serialNumber: 'SN-UN5500-0001',
    name: 'san-core-01',
    company: 'Huadong Commercial Bank',
    location: 'Zhangjiang DC, hall B, rack B10',
    ownerTeam: 'Storage Operations',
    onCall: 'Xu Fang +86 21 5555 0122',
  },
  {
    serialNumber: 'SN-N9K-0001',
    name: 'dr-tor-a1',
    company: 'Huadong Commercial Bank',
    location: 'Suzhou DR DC, row A, rack A01 U40',
    ownerTeam: 'Network Operations',
    onCall: 'NOC desk +86 512 5555 0133',
  },
  {
    serialNumber: 'SN-DL380-0001',
    name: 'scada-hist-01',
    company: 'Northern Grid Data Centre',
    location: 'Yizhuang DC, room 3, rack 3-12',
    ownerTeam: 'Grid IT Platform',
    onCall: 'Zhang Min +86 10 5555 0201',
  },
  {
    serialNumber: 'SN-DL380-0002',
    name: 'edge-collector-zjk',
    company: 'Northern Grid Data Centre',
    location: 'Zhangjiakou machine room, rack 2',
    ownerTeam: 'Grid IT Platform',
    onCall: 'Zhang Min +86 10 5555 0201',
  },
  {
    serialNumber: 'SN-OS5500-0001',
    name: 'grid-san-01',
    company: 'Northern Grid Data Centre',
    location: 'Yizhuang DC, room 3, rack 3-02',
    ownerTeam: 'Grid Storage',
    onCall: 'Storage desk +86 10 5555 0222',
  },
  {
    serialNumber: 'SN-2288H-0001',
    name: 'his-db-01',
    company: 'Guangzhou Municipal Hospital',
    location: 'Main campus machine room, rack R4',
    ownerTeam: 'Hospital Information Centre',
    onCall: 'Chen Jie +86 20 5555 0301',
  },
  {
    serialNumber: 'SN-2288H-0002',
    name: 'pacs-app-01',
    company: 'Guangzhou Municipal Hospital',
    location: 'Main campus machine room, rack R5',
    ownerTeam: 'Hospital Information Centre',
    onCall: 'Chen Jie +86 20 5555 0301',
  },
];

/** Seeds an empty store: the CIs, the bank's own ticket for the demo P1 incident (its external reference), a maintenance window. */
export function seedDemoItsm(store: ItsmStore): void {
  if (!store.isEmpty()) return;
  for (const item of DEMO_CONFIGURATION_ITEMS) store.upsertConfigurationItem({ ...item, status: 'INSTALLED' });
  store.createTicket(
    {
      number: 'HD-BANK-20001',
      shortDescription: 'Core banking volumes unavailable',
      description: 'Storage pool offline after dual controller failure',
      state: 'IN_PROGRESS',
      priority: 1,
      assignmentGroup: 'Storage Operations',
      configurationItem: 'SN-UN5500-0001',
      correlationId: null,
    },
    'seed',
  );
  store.addComment('HD-BANK-20001', { author: 'Xu Fang', body: 'Vendor case opened, engineer dispatched' }, 'seed');
  const inDays = (d: number) => new Date(Date.now() + d * 24 * 3600 * 1000).toISOString();
  store.addMaintenanceWindow({
    serialNumber: 'SN-PE740-0001',
    startsAt: inDays(7),
    endsAt: inDays(7.1),
    reason: 'BIOS and iDRAC firmware update',
  });
}
