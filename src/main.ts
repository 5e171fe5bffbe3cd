import 'reflect-metadata';
import { startHub } from './app';
import { ConfigError, loadConfig } from './platform/config';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // Handlers first: a SIGTERM while the hub is still starting (it logs 'listening' before its workers
  // are up) must not kill it mid-way with the default action; it stops as soon as it is up.
  let app: Awaited<ReturnType<typeof startHub>> | undefined = undefined;
  let signalled: string | null = null;
  const onSignal = (signal: string) => {
    if (signalled) return;
    signalled = signal;
    if (app) stop(app, signal);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  app = await startHub(config);
  if (signalled) return stop(app, signalled);
  if (app.demoKeys) {
    const lines = Object.entries(app.demoKeys).map(([role, key]) => `  ${role.padEnd(9)} ${key}`);
    process.stdout.write(
      [
        '',
        `Service hub ready at ${app.url}/graphql (WebSocket: ${app.url.replace('http', 'ws')}/graphql)`,
        'Demo data seeded. API keys (shown once; send as "Authorization: Bearer <key>"):',
        ...lines,
        '',
        `Try: curl -s ${app.url}/graphql -H 'content-type: application/json' -H "authorization: Bearer ${app.demoKeys.ADMIN}" -d '{"query":"{ me { role } customers { code name } }"}'`,
        '',
      ].join('\n'),
    );
  }
}

function stop(app: Awaited<ReturnType<typeof startHub>>, signal: string): void {
  app.hub.log.info({ signal }, 'signal received');
  const force = setTimeout(() => {
    app.hub.log.error('graceful shutdown timed out; exiting');
    process.exit(1);
  }, app.hub.config.shutdownTimeoutMs);
  force.unref();
  app.stop().then(
    () => process.exit(0),
    (error) => {
      app.hub.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
}

main().catch((error) => {
  process.stderr.write(`Service hub failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
