import path from 'node:path';
import { Role } from '../../src/platform/auth/principal';
import { spawnChild, type Child } from './children';
import type { ProfileSummary } from './profile';
import type { Summary } from './stats';

export interface HubStats {
  eventLoopDelayMs: { p50: number; p99: number; max: number; mean: number };
  cpuPct: number;
  cpuMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  wallMs: number;
}

export interface HubProcess {
  child: Child;
  url: string;
  instanceId: string;
  key(role: Role, scopeId?: string | null, name?: string): Promise<string>;
  resetStats(): Promise<void>;
  stats(gc?: boolean): Promise<HubStats>;
  lateness(): Promise<Summary & { byKind: Record<string, number> }>;
  profileStart(): Promise<void>;
  /** Starts the scheduler of a hub started with SCHEDULER_ENABLED=false. */
  schedulerStart(): Promise<void>;
  profileStop(file: string): Promise<ProfileSummary | null>;
  stop(): Promise<void>;
}

export interface StartHubOptions {
  name: string;
  databaseUrl: string;
  logDir: string;
  env?: Record<string, string>;
  execArgv?: string[];
}

/**
 * Starts a hub in its own process via bench/lib/hub-child (startHub + IPC).
 * Production settings except the ones a benchmark states: the default pool
 * size (10), the scheduler on (its idle poll is part of any real hub).
 */
export async function startHubProcess(options: StartHubOptions): Promise<HubProcess> {
  const child = spawnChild(options.name, 'lib/hub-child.js', {
    env: {
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: options.databaseUrl,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      KAFKA_BROKERS: '',
      // A benchmark drives one key far past any per-key request limit.
      RATE_LIMIT_ENABLED: 'false',
      ...options.env,
    },
    execArgv: options.execArgv,
    logFile: path.join(options.logDir, `${options.name}.log`),
  });
  const ready = await Promise.race([
    child.next<{ url: string; instanceId: string }>('ready', 120_000),
    child.next<string>('fatal', 120_000).then((m) => Promise.reject(new Error(`${options.name} failed to start: ${m}`))),
  ]);
  return {
    child,
    url: ready.url,
    instanceId: ready.instanceId,
    key: (role, scopeId = null, name) => child.call<string>('createKey', { role, scopeId, name }),
    resetStats: async () => {
      await child.call('resetStats');
    },
    stats: (gc = false) => child.call<HubStats>('stats', { gc }),
    lateness: () => child.call('lateness'),
    schedulerStart: async () => {
      await child.call('schedulerStart');
    },
    profileStart: async () => {
      await child.call('profileStart');
    },
    profileStop: (file) => child.call<ProfileSummary | null>('profileStop', { file }, 300_000),
    stop: () => child.stop(30_000),
  };
}

export const Roles = Role;
