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
  const app = await startHub(config);
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
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    app.hub.log.info({ signal }, 'signal received');
    const force = setTimeout(() => {
      app.hub.log.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    app.stop().then(
      () => process.exit(0),
      (error) => {
        app.hub.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`Service hub failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
