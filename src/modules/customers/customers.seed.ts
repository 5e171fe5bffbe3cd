import type { DemoContext, Hub } from '../../platform/hub';
import { DistanceClass } from './customer.entity';
import { CustomersService } from './customers.service';

const years = (n: number) => new Date(Date.now() + n * 365 * 24 * 3600 * 1000);

/** A realistic small installed base: three customers, sites in four cities, a dozen devices. */
export async function seedCustomers(hub: Hub, demo: DemoContext): Promise<void> {
  const service = hub.get(CustomersService);
  const bank = await service.createCustomer({
    code: 'CMB-SH',
    name: 'Huadong Commercial Bank',
    contactName: 'Li Wei',
    contactEmail: 'it-ops@huadong-bank.example',
    contactPhone: '+86 21 5555 0100',
  });
  const grid = await service.createCustomer({
    code: 'SGCC-BJ',
    name: 'Northern Grid Data Centre',
    contactName: 'Zhang Min',
    contactEmail: 'dc-noc@northgrid.example',
    contactPhone: '+86 10 5555 0200',
  });
  const hospital = await service.createCustomer({
    code: 'GZ-HOSP',
    name: 'Guangzhou Municipal Hospital',
    contactName: 'Chen Jie',
    contactEmail: 'infocenter@gzhospital.example',
  });
  const site = (customerId: string, name: string, city: string, region: string, distanceClass = DistanceClass.URBAN) =>
    service.createSite({ customerId, name, city, region, timeZone: 'Asia/Shanghai', calendarRegion: 'CN', distanceClass });
  const shanghaiDc = await site(bank.id, 'Zhangjiang primary DC', 'Shanghai', 'CN-EAST');
  const suzhouDr = await site(bank.id, 'Suzhou disaster-recovery DC', 'Suzhou', 'CN-EAST', DistanceClass.SUBURBAN);
  const beijingDc = await site(grid.id, 'Yizhuang data centre', 'Beijing', 'CN-NORTH');
  const hebeiRoom = await site(grid.id, 'Zhangjiakou machine room', 'Zhangjiakou', 'CN-NORTH', DistanceClass.REMOTE);
  const gzRoom = await site(hospital.id, 'Main campus machine room', 'Guangzhou', 'CN-SOUTH');

  const devices = [
    { serialNumber: 'SN-PE740-0001', vendor: 'Dell', model: 'PowerEdge R740', equivalenceClass: '2U-2S-SERVER', siteId: shanghaiDc.id },
    { serialNumber: 'SN-PE740-0002', vendor: 'Dell', model: 'PowerEdge R740', equivalenceClass: '2U-2S-SERVER', siteId: shanghaiDc.id },
    { serialNumber: 'SN-UN5500-0001', vendor: 'Dell EMC', model: 'Unity 500', equivalenceClass: 'MIDRANGE-SAN', siteId: shanghaiDc.id },
    { serialNumber: 'SN-N9K-0001', vendor: 'Cisco', model: 'Nexus 93180YC', equivalenceClass: 'TOR-SWITCH-25G', siteId: suzhouDr.id },
    { serialNumber: 'SN-DL380-0001', vendor: 'HPE', model: 'ProLiant DL380 Gen10', equivalenceClass: '2U-2S-SERVER', siteId: beijingDc.id },
    { serialNumber: 'SN-DL380-0002', vendor: 'HPE', model: 'ProLiant DL380 Gen10', equivalenceClass: '2U-2S-SERVER', siteId: hebeiRoom.id },
    {
      serialNumber: 'SN-OS5500-0001',
      vendor: 'Huawei',
      model: 'OceanStor 5500 V5',
      equivalenceClass: 'MIDRANGE-SAN',
      siteId: beijingDc.id,
    },
    {
      serialNumber: 'SN-2288H-0001',
      vendor: 'Huawei',
      model: 'FusionServer 2288H V5',
      equivalenceClass: '2U-2S-SERVER',
      siteId: gzRoom.id,
    },
    {
      serialNumber: 'SN-2288H-0002',
      vendor: 'Huawei',
      model: 'FusionServer 2288H V5',
      equivalenceClass: '2U-2S-SERVER',
      siteId: gzRoom.id,
    },
  ];
  const registered = [];
  for (const d of devices) {
    registered.push(await service.registerDevice({ ...d, installedAt: years(-2), warrantyStart: years(-2), warrantyEnd: years(1) }));
  }
  Object.assign(demo, {
    customers: { bank, grid, hospital },
    sites: { shanghaiDc, suzhouDr, beijingDc, hebeiRoom, gzRoom },
    devices: registered,
  });
}
