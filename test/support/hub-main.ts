/**
 * A hub in its own process, for tests that must kill it for real (SIGKILL).
 * Spawned by `spawnHubProcess` (test/support/hub-process.ts) as
 * `node -r @swc-node/register test/support/hub-main.ts` with the hub's
 * configuration in the environment (DATABASE_URL, KAFKA_BROKERS, PORT=0, ...).
 *
 * Prints one line `READY <url>` on stdout once the hub listens and its
 * consumers are subscribed; `FAILED <message>` if it cannot start. Pino logs
 * (JSON) go to stdout as well; the parent keeps a tail of them for diagnostics.
 * SIGTERM stops it gracefully; SIGKILL is the point of the exercise.
 */
import 'reflect-metadata';
import { startHub } from '../../src/app';
import { loadConfig } from '../../src/platform/config';

async function main(): Promise<void> {
  const app = await startHub(loadConfig(process.env));
  process.stdout.write(`READY ${app.url}\n`);
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error: unknown) => {
  process.stdout.write(`FAILED ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
