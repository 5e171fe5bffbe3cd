/**
 * Bench launcher: runs one hub in its own process (startHub with the config
 * from its environment, exactly as src/main.ts does) and answers the
 * orchestrator over IPC: API keys, event-loop delay, memory, CPU, scheduler
 * lateness, and CPU profiles of measured windows.
 */
import 'reflect-metadata';
import { startHub, type HubApp } from '../../src/app';
import type { Role } from '../../src/platform/auth/principal';
import { loadConfig } from '../../src/platform/config';
import { childMain, emit, serveRpc } from './children';
import { processStats } from './proc-stats';
import { startProfile, stopProfile } from './profile';
import { summarize } from './stats';

childMain(async () => {
  const proc = processStats();
  let lateness: number[] = [];
  const latenessByKind = new Map<string, number>();
  let app: HubApp | null = null;

  serveRpc({
    createKey: async ({ role, scopeId, name }: { role: Role; scopeId?: string | null; name?: string }) =>
      (await app!.hub.apiKeys.create({ role, scopeId: scopeId ?? null, name })).key,
    resetStats: () => {
      proc.resetStats();
      lateness = [];
      latenessByKind.clear();
      return true;
    },
    stats: (args: { gc?: boolean } = {}) => proc.stats(args),
    lateness: () => ({ ...summarize(lateness), byKind: Object.fromEntries(latenessByKind) }),
    schedulerStart: () => {
      app!.hub.scheduler.start();
      return true;
    },
    profileStart: () => startProfile(),
    profileStop: ({ file }: { file: string }) => stopProfile(file),
    stop: async () => {
      await app?.stop();
      setImmediate(() => process.exit(0));
      return true;
    },
  });

  const config = loadConfig(process.env);
  app = await startHub(config);
  app.hub.scheduler.onFired((job, lateMs) => {
    lateness.push(lateMs);
    latenessByKind.set(job.kind, (latenessByKind.get(job.kind) ?? 0) + 1);
  });
  const shutdown = () => {
    void app?.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  emit('ready', { url: app.url, instanceId: config.instanceId, pid: process.pid });
});
