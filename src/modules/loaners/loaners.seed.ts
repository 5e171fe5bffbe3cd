import type { DemoContext, Hub } from '../../platform/hub';
import { LoanersService } from './loaners.service';

/** A few loaners of the demo models and classes, spread over the two demo depots. */
export async function seedLoaners(hub: Hub, demo: DemoContext): Promise<void> {
  const depots = demo.depots as { shanghai: { id: string }; beijing: { id: string } } | undefined;
  if (!depots) return;
  const service = hub.get(LoanersService);
  const loaners = [
    { serialNumber: 'LN-R740-001', vendor: 'Dell', model: 'PowerEdge R740', equivalenceClass: '2U-2S-SERVER', depotId: depots.shanghai.id },
    { serialNumber: 'LN-R740-002', vendor: 'Dell', model: 'PowerEdge R740', equivalenceClass: '2U-2S-SERVER', depotId: depots.beijing.id },
    {
      serialNumber: 'LN-DL380-001',
      vendor: 'HPE',
      model: 'ProLiant DL380 Gen10',
      equivalenceClass: '2U-2S-SERVER',
      depotId: depots.beijing.id,
    },
    {
      serialNumber: 'LN-2288H-001',
      vendor: 'Huawei',
      model: 'FusionServer 2288H V5',
      equivalenceClass: '2U-2S-SERVER',
      depotId: depots.shanghai.id,
    },
    {
      serialNumber: 'LN-N9K-001',
      vendor: 'Cisco',
      model: 'Nexus 93180YC',
      equivalenceClass: 'TOR-SWITCH-25G',
      depotId: depots.shanghai.id,
    },
    { serialNumber: 'LN-UN500-001', vendor: 'Dell EMC', model: 'Unity 500', equivalenceClass: 'MIDRANGE-SAN', depotId: depots.shanghai.id },
  ];
  const registered = [];
  for (const loaner of loaners) registered.push(await service.register(loaner));
  Object.assign(demo, { loaners: registered });
}
