/** Bench launcher of the example customer ITSM (examples/customer-itsm) in its own process: the gateway's customer system. */
import { startCustomerItsm, type CustomerItsm } from '../../examples/customer-itsm/server';
import { childMain, emit, serveRpc } from './children';
import { processStats } from './proc-stats';

childMain(async () => {
  let itsm: CustomerItsm | null = null;
  serveRpc({
    ...processStats(),
    /** One configuration item per serial number, as a customer's CMDB would hold them. */
    seed: ({ serials }: { serials: string[] }) => {
      for (const serialNumber of serials)
        itsm!.store.upsertConfigurationItem({
          serialNumber,
          name: `host-${serialNumber.toLowerCase()}`,
          company: 'bench',
          location: `Shanghai DC1, hall 2, rack ${serialNumber.slice(-3)}`,
          ownerTeam: 'Storage operations',
          onCall: '+86 21 5555 0100',
          status: 'INSTALLED',
        });
      return serials.length;
    },
    requests: () => itsm!.requestLog.length,
    stop: async () => {
      await itsm?.close();
      setImmediate(() => process.exit(0));
      return true;
    },
  });
  itsm = await startCustomerItsm({
    port: 0,
    host: '127.0.0.1',
    seed: false,
    credentials: { username: process.env.ITSM_USER!, password: process.env.ITSM_PASSWORD! },
  });
  emit('ready', { url: itsm.url });
});
