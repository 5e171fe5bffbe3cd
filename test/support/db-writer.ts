/**
 * A second process for the concurrent-writer test (test/platform/concurrent-writers.test.ts): opens
 * the database at DATABASE_URL through the hub's Database, waits for "go" on stdin, then runs COUNT
 * units of work that each read before they write (the shape that meets a stale snapshot on SQLite),
 * and prints "done" or the failure's code and message.
 */
import { createInterface } from 'node:readline';
import { loadConfig } from '../../src/platform/config';
import { openDatabase } from '../../src/platform/db/database';
import { createLogger } from '../../src/platform/logger';

async function main(): Promise<void> {
  const writer = process.env.WRITER!;
  const count = Number(process.env.COUNT);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: process.env.DATABASE_URL!,
    MIGRATIONS_RUN: 'false',
    DATABASE_POOL_SIZE: '4',
  });
  const db = await openDatabase(config, [], [], createLogger('silent'));
  console.log('ready');
  const stdin = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => stdin.once('line', () => resolve()));
  stdin.close();
  try {
    for (let seq = 0; seq < count; seq++) {
      await db.transaction(async ({ em }) => {
        const [{ n }] = (await em.query('SELECT COUNT(*) AS n FROM probe_writes')) as Array<{ n: number | string }>;
        // Lets the other process commit between this read and the write below.
        await new Promise((resolve) => setImmediate(resolve));
        await em.query('INSERT INTO probe_writes (writer, seq, seen) VALUES (?, ?, ?)', [writer, seq, Number(n)]);
      });
    }
    console.log('done');
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    console.log(`failed ${code ?? '-'} ${message}`);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
}

void main();
