import { startCustomerItsm } from '../examples/customer-itsm/server';
import { startGateway } from '../src/gateway/gateway';
import { loadSourcesFile } from '../src/gateway/sources';
process.on('unhandledRejection', (e) => { console.log('UNHANDLED', (e as Error).stack); });
(async () => {
  const itsm = await startCustomerItsm({ credentials: { username: 'u', password: 'p' } });
  const sources = loadSourcesFile('src/gateway/demo-sources.json', { ...process.env, HUB_URL: 'http://127.0.0.1:4711/graphql', ITSM_URL: itsm.url });
  for (const s of sources.sources) if (s.name !== 'hub') s.timeoutMs = 300;
  const gw = await startGateway({ sources, port: 0, env: { ...process.env, ITSM_USER: 'u', ITSM_PASSWORD: 'p' }, logLevel: false });
  itsm.setFault({ kind: 'slow', delayMs: 1500 });
  const key = require('fs').readFileSync('.scratch/cust', 'utf8').trim();
  const r = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query: '{ incidents(first: 5) { edges { node { id itsmTicket { number } device { cmdb { location } maintenanceWindows { reason } } } } } }' }) });
  console.log(r.status, (await r.text()).slice(0, 300));
  await new Promise((r) => setTimeout(r, 3000));
  await gw.close(); await itsm.close();
  console.log('done');
})();
