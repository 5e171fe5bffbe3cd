/**
 * A hub in a child process, so a test can kill it for real (SIGKILL: no
 * shutdown hook, no offset commit, no transaction rollback by the client; the
 * database and the broker see a dead peer, exactly as after a crash or OOM kill).
 *
 *   const hub = await spawnHubProcess({ DATABASE_URL: db.url, KAFKA_BROKERS: ..., KAFKA_GROUP_ID: ... });
 *   ...
 *   await hub.kill();          // SIGKILL, resolves once the process is gone
 *   await hub.stop();          // SIGTERM: graceful stop (or SIGKILL after a grace period)
 *
 * The child runs `node -r @swc-node/register test/support/hub-main.ts`, which
 * loads the configuration from the environment, calls startHub and prints
 * `READY <url>`. Its stdout (pino JSON logs) is kept (a tail for error messages,
 * and the parsed lines for tests that look for a log message).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(__dirname, '../..');
const ENTRY = path.join(ROOT, 'test/support/hub-main.ts');

export interface HubProcess {
  pid: number;
  url: string;
  /** Every stdout line that parsed as a JSON log record. */
  logs: Array<Record<string, unknown>>;
  /** True once the process has exited. */
  exited(): boolean;
  /** Resolves with the exit code / signal once the process is gone. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL; resolves when the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful stop), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines of output, for failure messages. */
  tail(): string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test that fails half-way must not leave hubs behind holding the database and the group.
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** Defaults for a quiet, quick test hub; `env` wins. Inherits PATH etc. from the test process. */
export function hubProcessEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    SEED_DEMO: 'false',
    SCHEDULER_POLL_MS: '100',
    OUTBOX_POLL_MS: '50',
    ...env,
  };
}

export async function spawnHubProcess(env: Record<string, string>, options: { startTimeoutMs?: number } = {}): Promise<HubProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', ENTRY], {
    cwd: ROOT,
    env: hubProcessEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  installExitHook();

  const lines: string[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const remember = (line: string) => {
    lines.push(line);
    if (lines.length > 200) lines.shift();
  };
  let exited = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      live.delete(child);
      resolve({ code, signal });
    });
  });
  const tail = () => lines.slice(-40).join('\n');

  let onReady: ((line: string) => void) | null = null;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    remember(line);
    if (line.startsWith('{')) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log record
      }
      return;
    }
    if (/^(READY|FAILED) /.test(line)) onReady?.(line);
  });
  createInterface({ input: child.stderr! }).on('line', (line) => remember(`[stderr] ${line}`));

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub process did not start within ${timeoutMs} ms:\n${tail()}`)), timeoutMs);
    onReady = (line) => {
      clearTimeout(timer);
      resolve(line);
    };
    void exit.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`hub process exited before READY (code ${code}, signal ${signal}):\n${tail()}`));
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  if (!first.startsWith('READY ')) {
    child.kill('SIGKILL');
    throw new Error(`hub process failed to start: ${first}\n${tail()}`);
  }

  const kill = async () => {
    if (!exited) child.kill('SIGKILL');
    await exit;
  };
  return {
    pid: child.pid!,
    url: first.slice('READY '.length).trim(),
    logs,
    exited: () => exited,
    exit,
    kill,
    stop: async (graceMs = 10_000) => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
    tail,
  };
}
