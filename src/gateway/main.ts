import { resolve } from 'node:path';
import { CustomerItsm, startCustomerItsm } from '../../examples/customer-itsm/server';
import { CompositionError, startGateway } from './gateway';
import { composeSources } from './compose';
import { loadSourcesFile, SourcesFileError } from './sources';

/**
 * `npm run gateway`: GATEWAY_PORT (4080), GATEWAY_HOST (0.0.0.0), GATEWAY_SOURCES (the bundled demo
 * sources), HUB_URL (http://localhost:4000/graphql). `--check` composes and exits: 0, or 1 with one
 * line per problem. With the demo sources the example customer ITSM starts too.
 */
const DEMO_SOURCES = resolve(process.cwd(), 'src/gateway/demo-sources.json');
const DEMO_ITSM_USER = 'hub-integration';
const DEMO_ITSM_PASSWORD = 'demo-itsm-password';

async function main() {
  const check = process.argv.includes('--check');
  const file = process.env.GATEWAY_SOURCES ? resolve(process.env.GATEWAY_SOURCES) : DEMO_SOURCES;
  const demo = file === DEMO_SOURCES;
  if (demo) {
    // The example ITSM's demo credentials, unless set: the gateway reads them as it would a customer's.
    process.env.ITSM_USER ??= DEMO_ITSM_USER;
    process.env.ITSM_PASSWORD ??= DEMO_ITSM_PASSWORD;
  }
  const sources = loadSourcesFile(file);
  let itsm: CustomerItsm | null = null;
  if (sources.exampleItsm && !process.env.ITSM_URL) {
    itsm = await startCustomerItsm({
      port: sources.exampleItsm.port,
      host: '127.0.0.1',
      dbFile: process.env.ITSM_DB,
      credentials: { username: process.env.ITSM_USER ?? DEMO_ITSM_USER, password: process.env.ITSM_PASSWORD ?? DEMO_ITSM_PASSWORD },
    });
    process.stdout.write(`example customer ITSM on ${itsm.url} (OpenAPI: ${itsm.url}/openapi.json)\n`);
  }
  try {
    if (check) {
      const result = await composeSources(sources);
      if (result.supergraphSdl === null) {
        for (const line of result.errors) process.stderr.write(`${line}\n`);
        process.exitCode = 1;
      } else {
        process.stdout.write(`${file}: ${sources.sources.length} sources and ${sources.joins.length} joins compose\n`);
      }
      await itsm?.close();
      return;
    }
    const gateway = await startGateway({
      sources,
      port: Number(process.env.GATEWAY_PORT ?? 4080),
      host: process.env.GATEWAY_HOST ?? '0.0.0.0',
      logLevel: (process.env.GATEWAY_LOG_LEVEL as 'info' | undefined) ?? 'warn',
    });
    process.stdout.write(`gateway on ${gateway.url} (sources: ${sources.sources.map((s) => `${s.name} ${s.kind}`).join(', ')})\n`);
    const stop = () =>
      void (async () => {
        await gateway.close();
        await itsm?.close();
        process.exit(0);
      })();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    await itsm?.close();
    throw error;
  }
}

main().catch((error) => {
  if (error instanceof CompositionError) for (const line of error.lines) process.stderr.write(`${line}\n`);
  else process.stderr.write(`${error instanceof SourcesFileError ? '' : 'error: '}${(error as Error).message}\n`);
  process.exit(1);
});
