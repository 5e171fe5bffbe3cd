/** What every HTTP baseline does once its handler is written: listen on loopback, answer stats/stop over IPC, say where it is. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'mysql2/promise';
import { emit, serveRpc } from './children';
import { processStats } from './proc-stats';

export async function serveBaseline(server: Server, pool: Pool): Promise<void> {
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serveRpc({
    ...processStats(),
    stop: async () => {
      server.close();
      await pool.end();
      setImmediate(() => process.exit(0));
      return true;
    },
  });
  emit('ready', { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}
