/**
 * The librdkafka mock cluster used by the tests (test/kafka-mock), started as
 * its own process for the ingest benchmark. (test/support is not compiled into
 * dist, so this is a small copy of its launcher.)
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(__dirname, '../../..');
const MOCK_DIR = path.join(ROOT, 'test/kafka-mock');
const MOCK_BIN = path.join(MOCK_DIR, 'kafka-mock');
const MOCK_SRC = path.join(MOCK_DIR, 'kafka-mock.c');

export interface KafkaMock {
  bootstrap: string[];
  pid: number;
  stop(): Promise<void>;
}

const live = new Set<ChildProcessWithoutNullStreams>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function ensureBinary(): string {
  const stale = !existsSync(MOCK_BIN) || (existsSync(MOCK_SRC) && statSync(MOCK_SRC).mtimeMs > statSync(MOCK_BIN).mtimeMs);
  if (stale) execFileSync(path.join(MOCK_DIR, 'build.sh'), { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  return MOCK_BIN;
}

export async function startKafkaMock(topics: Array<{ name: string; partitions: number }>, brokers = 1): Promise<KafkaMock> {
  const args = ['--brokers', String(brokers)];
  for (const t of topics) args.push('--topic', `${t.name}:${t.partitions}`);
  const child = spawn(ensureBinary(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-3000)));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      live.delete(child);
      resolve();
    }),
  );
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kafka-mock did not start: ${stderr}`)), 10_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    void exited.then(() => reject(new Error(`kafka-mock exited: ${stderr}`)));
  });
  const m = /^BOOTSTRAP (\S+)$/.exec(first);
  if (!m) {
    child.kill('SIGKILL');
    throw new Error(`kafka-mock: unexpected first line ${first}`);
  }
  let stopping: Promise<void> | null = null;
  return {
    bootstrap: m[1].split(','),
    pid: child.pid ?? -1,
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode === null) {
          child.stdin.end('quit\n');
          const t = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(t);
        }
        lines.close();
      })()),
  };
}

export async function stopKafkaMocks(): Promise<void> {
  for (const child of [...live]) {
    child.kill('SIGKILL');
  }
  await new Promise((r) => setTimeout(r, live.size ? 200 : 0));
}
