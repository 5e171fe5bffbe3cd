import { startCustomerItsm } from './server';

/** Runs the example ITSM on its own: ITSM_PORT (4090), ITSM_DB (in memory), ITSM_USER / ITSM_PASSWORD / ITSM_TOKEN. */
async function main() {
  const itsm = await startCustomerItsm({
    port: Number(process.env.ITSM_PORT ?? 4090),
    host: process.env.ITSM_HOST ?? '127.0.0.1',
    dbFile: process.env.ITSM_DB,
    credentials: {
      username: process.env.ITSM_USER ?? 'hub-integration',
      password: process.env.ITSM_PASSWORD ?? 'demo-itsm-password',
      token: process.env.ITSM_TOKEN,
    },
  });
  process.stdout.write(`example customer ITSM on ${itsm.url} (OpenAPI: ${itsm.url}/openapi.json)\n`);
  const stop = () => void itsm.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exit(1);
});
