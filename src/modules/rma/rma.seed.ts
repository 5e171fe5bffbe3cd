import { systemActor } from '../../platform/auth/actor';
import type { DemoContext, Hub } from '../../platform/hub';
import type { Device } from '../customers/customer.entity';
import type { SupportCentre } from '../support-network/support-centre.entity';
import { Rma } from './rma.entity';
import { RmaService } from './rma.service';

const days = (n: number) => new Date(Date.now() + n * 24 * 3600 * 1000);

/**
 * Two demo RMAs on one Shanghai server: the first repaired and returned two
 * months ago, the second (a new failure) therefore REPLACE_WITH_NEW under the
 * second-failure rule, waiting at the partner centre.
 */
export async function seedRmas(hub: Hub, demo: DemoContext): Promise<void> {
  const centres = demo.centres as { tier1: SupportCentre } | undefined;
  const device = (demo.devices as Device[] | undefined)?.find((d) => d.serialNumber === 'SN-PE740-0001');
  if (!centres || !device) return;
  const service = hub.get(RmaService);
  const seeder = systemActor('demo seed');
  const event = (
    rmaNumber: string,
    type: Parameters<RmaService['recordEvent']>[1]['type'],
    occurredAt: Date,
    payload: Record<string, unknown> = {},
  ) => service.recordEvent(seeder, { rmaNumber, type, payload, occurredAt, version: 1 });

  // The first one as the partner centre opened it, under its own number.
  const firstNumber = 'SH01-RMA-000042';
  await event(firstNumber, 'RmaCreated', days(-60), {
    serialNumber: device.serialNumber,
    faultyPartNumbers: ['PSU-750W-0N'],
    problem: 'Power supply 1 failed; amber LED, redundancy lost',
    centreCode: centres.tier1.code,
  });
  await event(firstNumber, 'RmaApproved', days(-59.9));
  await event(firstNumber, 'DefectiveReceived', days(-59));
  await event(firstNumber, 'RepairStarted', days(-58));
  await event(firstNumber, 'RepairCompleted', days(-57), {
    partsUsed: [{ partNumber: 'PSU-750W-0N', condition: 'NEW', source: 'ORIGINAL_MANUFACTURER', quantity: 1 }],
  });
  await event(firstNumber, 'UnitReturned', days(-56));

  const second = await service.requestRma(seeder, {
    deviceSerial: device.serialNumber,
    faultyPartNumbers: ['MB-R740-X11'],
    problem: 'System board fault after the PSU replacement; host does not POST',
    centreId: centres.tier1.id,
    outOfServiceAt: days(-1),
  });
  Object.assign(demo, { rmas: { returned: await hub.db.manager.findOneByOrFail(Rma, { number: firstNumber }), secondFailure: second } });
}
