import { systemActor } from '../../platform/auth/actor';
import type { DemoContext, Hub } from '../../platform/hub';
import type { ServiceContract } from '../contracts/contract.entity';
import type { Site } from '../customers/customer.entity';
import { HolidayPeriod, InspectionFrequency } from './inspection.entity';
import { InspectionPlans } from './inspection-plans';

const DESK = systemActor('demo service desk');

/** The bank's primary DC is inspected quarterly and before every named period; the grid's DC monthly and before the big holidays. */
export async function seedInspections(hub: Hub, demo: DemoContext): Promise<void> {
  const contracts = demo.contracts as { premium: ServiceContract; standard: ServiceContract } | undefined;
  const sites = demo.sites as { shanghaiDc: Site; beijingDc: Site } | undefined;
  if (!contracts || !sites) return;
  const service = hub.get(InspectionPlans);
  const bank = await service.createPlan(DESK, {
    contractId: contracts.premium.id,
    siteId: sites.shanghaiDc.id,
    frequency: InspectionFrequency.QUARTERLY,
    dayOfSlot: 10,
    preHolidayPeriods: Object.values(HolidayPeriod),
    leadWorkingDays: 2,
    reportDeadline: 'P7D',
    horizonDays: 120,
  });
  const grid = await service.createPlan(DESK, {
    contractId: contracts.standard.id,
    siteId: sites.beijingDc.id,
    frequency: InspectionFrequency.MONTHLY,
    dayOfSlot: 5,
    preHolidayPeriods: [HolidayPeriod.SPRING_FESTIVAL, HolidayPeriod.NATIONAL_DAY],
    leadWorkingDays: 3,
    reportDeadline: 'P7D',
    horizonDays: 90,
  });
  Object.assign(demo, { inspectionPlans: { bank, grid } });
}
