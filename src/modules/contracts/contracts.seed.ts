import type { DemoContext, Hub } from '../../platform/hub';
import type { Customer, Device } from '../customers/customer.entity';
import { Severity } from '../sla/sla.enums';
import { ContractKind, CoverageType, ServiceContract } from './contract.entity';
import { ContractsService } from './contracts.service';

const WORKDAY = [{ start: '08:30', end: '17:30' }];

/**
 * Two plans typical of Chinese data-centre maintenance: a 7x24 premium
 * post-warranty contract and the 5x8 (08:30-17:30 on working days) standard
 * warranty service. The bank buys premium; the others run on standard.
 */
export async function seedContracts(hub: Hub, demo: DemoContext): Promise<void> {
  const service = hub.get(ContractsService);
  const premium = await service.create(
    {
      code: 'PREMIUM-7X24',
      name: '7x24 premium maintenance (4-hour restore)',
      kind: ContractKind.POST_WARRANTY,
      coverage: { type: CoverageType.SEVEN_BY_24, windows: [] },
      timeZone: 'Asia/Shanghai',
      targets: [
        { severity: Severity.P1, response: 'PT30M', onSite: { urban: 'PT2H', suburban: 'PT4H', remote: 'PT8H' }, restore: 'PT4H' },
        { severity: Severity.P2, response: 'PT1H', onSite: { urban: 'PT4H', suburban: 'PT6H', remote: 'PT12H' }, restore: 'PT8H' },
        { severity: Severity.P3, response: 'PT2H', onSite: { urban: 'PT8H', suburban: 'PT12H', remote: 'P1D' }, restore: 'P1D' },
        { severity: Severity.P4, response: 'PT4H', restore: 'P3D' },
      ],
      escalationPolicy: {
        warnAtRatio: 0.75,
        onBreach: [
          { clock: 'RESPONSE' as never, raiseSeverity: true, raiseManagementLevel: true, raiseSupportTier: false },
          { clock: 'ON_SITE' as never, raiseSeverity: true, raiseManagementLevel: true, raiseSupportTier: false },
          { clock: 'RESTORE' as never, raiseSeverity: true, raiseManagementLevel: true, raiseSupportTier: true },
        ],
      },
      emergencyProgressInterval: 'PT1H',
    },
    'demo seed',
  );
  const standard = await service.create(
    {
      code: 'STANDARD-5X8',
      name: '5x8 standard warranty service (next working day)',
      kind: ContractKind.WARRANTY,
      coverage: { type: CoverageType.BUSINESS_HOURS, windows: WORKDAY },
      calendarRegion: 'CN',
      timeZone: 'Asia/Shanghai',
      targets: [
        { severity: Severity.P1, response: 'PT30M', onSite: { urban: 'PT4H', suburban: 'PT8H', remote: 'P1D' }, restore: 'P1D' },
        { severity: Severity.P2, response: 'PT2H', onSite: { urban: 'P1D', suburban: 'P1D', remote: 'P2D' }, restore: 'P2D' },
        { severity: Severity.P3, response: 'PT4H', onSite: { urban: 'P2D', suburban: 'P2D', remote: 'P3D' }, restore: 'P3D' },
        { severity: Severity.P4, response: 'P1D', restore: 'P5D' },
      ],
      emergencyProgressInterval: 'PT1H',
    },
    'demo seed',
  );
  const customers = demo.customers as Record<'bank' | 'grid' | 'hospital', Customer>;
  const devices = demo.devices as Device[];
  await service.assign({ contractId: premium.id, customerId: customers.bank.id }, 'demo seed');
  await service.assign({ contractId: standard.id, customerId: customers.grid.id }, 'demo seed');
  await service.assign({ contractId: standard.id, customerId: customers.hospital.id }, 'demo seed');
  // The bank's storage array and the grid's remote server are covered by premium while still in warranty.
  for (const serial of ['SN-UN5500-0001', 'SN-DL380-0002']) {
    const device = devices.find((d) => d.serialNumber === serial);
    if (device) await service.assign({ contractId: premium.id, deviceId: device.id }, 'demo seed');
  }
  Object.assign(demo, { contracts: { premium, standard } satisfies Record<string, ServiceContract> });
}
