import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../src/platform/config';
import { betterSqlite3 } from '../../src/platform/db/better-sqlite3';
import { openDatabase } from '../../src/platform/db/database';
import { createLogger } from '../../src/platform/logger';
import { createTestDatabase, type TestDatabase } from '../support/database';

const ROOT = resolve(__dirname, '../..');
const PER_WRITER = 150;

/** One writer process (test/support/db-writer.ts); resolves once it has opened the database. */
async function startWriter(db: TestDatabase, writer: string) {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'test/support/db-writer.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: db.url, WRITER: writer, COUNT: String(PER_WRITER) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolveReady, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line === 'ready') resolveReady();
    });
    child.once('exit', () => reject(new Error(`writer ${writer} exited before it was ready:\n${stderr}`)));
  });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  await ready;
  return {
    go: () => child.stdin!.end('go\n'),
    result: async () => {
      const [code] = await exited;
      return { code, output: lines.filter((l) => l !== 'ready').join('\n'), stderr };
    },
  };
}

describe('two processes writing one database', () => {
  let db: TestDatabase;
  afterEach(async () => db?.drop());

  // The hub's CLI, or a second hub on the same SQLite file: units of work that read, then write,
  // in both processes at once. On SQLite a deferred transaction that read before the other process
  // committed cannot become a writer and failed at once with SQLITE_BUSY ("database is locked").
  it('commits every unit of work of both, with no error', async () => {
    db = await createTestDatabase();
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, MIGRATIONS_RUN: 'false', DATABASE_POOL_SIZE: '2' });
    const setup = await openDatabase(config, [], [], createLogger('silent'));
    await setup.manager.query(
      'CREATE TABLE probe_writes (writer VARCHAR(8) NOT NULL, seq INTEGER NOT NULL, seen INTEGER NOT NULL, PRIMARY KEY (writer, seq))',
    );
    await setup.close();

    const writers = await Promise.all([startWriter(db, 'a'), startWriter(db, 'b')]);
    for (const w of writers) w.go();
    const results = await Promise.all(writers.map((w) => w.result()));
    expect(results).toEqual([
      { code: 0, output: 'done', stderr: '' },
      { code: 0, output: 'done', stderr: '' },
    ]);

    const check = await openDatabase(config, [], [], createLogger('silent'));
    try {
      const rows = (await check.manager.query('SELECT writer, seq FROM probe_writes ORDER BY writer, seq')) as Array<{
        writer: string;
        seq: number;
      }>;
      const expected = ['a', 'b'].flatMap((writer) => Array.from({ length: PER_WRITER }, (_, seq) => ({ writer, seq })));
      expect(rows.map((r) => ({ writer: r.writer, seq: Number(r.seq) }))).toEqual(expected);
    } finally {
      await check.close();
    }
  });

  // What makes the above hold on SQLite, whatever the timing: a unit of work holds the write lock from
  // its first statement, a read, so no other process can commit between its read and its write.
  it('holds the SQLite write lock from the start of a unit of work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-test-'));
    const file = join(dir, 'hub.sqlite');
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: `sqlite:${file}`, MIGRATIONS_RUN: 'false' });
    const hub = await openDatabase(config, [], [], createLogger('silent'));
    const other = new (betterSqlite3())(file, { timeout: 0 });
    try {
      await hub.manager.query('CREATE TABLE probe_writes (n INTEGER NOT NULL)');
      const tryWrite = () => {
        try {
          other.exec('INSERT INTO probe_writes (n) VALUES (1)');
          return 'written';
        } catch (error) {
          return (error as { code?: string }).code;
        }
      };
      const during = await hub.transaction(async ({ em }) => {
        await em.query('SELECT COUNT(*) AS n FROM probe_writes');
        return tryWrite();
      });
      expect(during).toBe('SQLITE_BUSY');
      expect(tryWrite()).toBe('written');
    } finally {
      other.close();
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
