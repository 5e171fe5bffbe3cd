/**
 * Bench launcher of the federation gateway (src/gateway) in its own process, over the hub and
 * the example customer ITSM at the URLs it is given; answers stats and CPU profiles over IPC.
 */
import path from 'node:path';
import { startGateway, type Gateway } from '../../src/gateway/gateway';
import type { SourcesFile } from '../../src/gateway/sources';
import { childMain, emit, serveRpc } from './children';
import { processStats } from './proc-stats';
import { startProfile, stopProfile } from './profile';

/** The bundled demo sources' shape (src/gateway/demo-sources.json), pointed at the bench's hub and ITSM. */
export function benchSources(hubUrl: string, itsmUrl: string): SourcesFile {
  const auth = { type: 'basic' as const, usernameEnv: 'ITSM_USER', passwordEnv: 'ITSM_PASSWORD' };
  return {
    sources: [
      {
        name: 'hub',
        kind: 'federation',
        url: hubUrl,
        sdlFile: path.resolve(__dirname, '../../../schema/hub.subgraph.graphql'),
        forwardAuthorization: true,
        subscriptions: true,
        timeoutMs: 10_000,
      },
      { name: 'itsm', kind: 'openapi', openapi: `${itsmUrl}/openapi.json`, url: itsmUrl, auth, timeoutMs: 2_000 },
    ],
    joins: [
      { type: 'Device', field: 'cmdb', source: 'itsm', query: 'configurationItem', args: { serialNumber: 'serialNumber' } },
      { type: 'Incident', field: 'itsmTicket', source: 'itsm', query: 'ticket', args: { number: 'externalRef' } },
    ],
  };
}

childMain(async () => {
  const proc = processStats();
  let gateway: Gateway | null = null;
  serveRpc({
    ...proc,
    profileStart: () => startProfile(),
    profileStop: ({ file }: { file: string }) => stopProfile(file),
    stop: async () => {
      await gateway?.close();
      setImmediate(() => process.exit(0));
      return true;
    },
  });
  gateway = await startGateway({
    sources: benchSources(process.env.HUB_URL!, process.env.ITSM_URL!),
    port: 0,
    host: '127.0.0.1',
    // The level `npm run gateway` runs at.
    logLevel: 'warn',
  });
  emit('ready', { url: gateway.url.replace(/\/graphql$/, ''), pid: process.pid });
});
