import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource, DataSourceOptions, EntityManager, EntitySchema, MixedList } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { CountingTypeOrmLogger } from './query-counter';
import type { WriteBehind } from './write-behind';

export type Dialect = 'sqlite' | 'mysql';

/** A unit of work: the entity manager bound to the transaction, and hooks that run only after it commits. */
export interface Tx {
  em: EntityManager;
  /** Runs after COMMIT (never after a rollback): publish live updates here, not inside the transaction. */
  afterCommit(hook: () => void | Promise<void>): void;
  /** Set in batch transactions that hold writes back (see WriteBehind); writers that support it queue there. */
  writes?: WriteBehind;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityList = MixedList<Function | string | EntitySchema>;
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type MigrationList = MixedList<Function | string>;

const RETRYABLE_MYSQL_ERRORS = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

export class Database {
  /** SQLite has one connection: transactions must take turns or they nest into each other. */
  private sqliteQueue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dataSource: DataSource,
    readonly dialect: Dialect,
    private readonly log: Logger,
  ) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.dialect === 'sqlite') {
      const run = this.sqliteQueue.then(() => this.runOnce(work));
      this.sqliteQueue = run.catch(() => undefined);
      return run;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runOnce(work);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (!code || !RETRYABLE_MYSQL_ERRORS.has(code) || attempt >= 4) throw error;
        this.log.warn({ code, attempt }, 'transaction retried after lock conflict');
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
      }
    }
  }

  private async runOnce<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const hooks: Array<() => void | Promise<void>> = [];
    const result = await this.dataSource.transaction((em) => work({ em, afterCommit: (hook) => hooks.push(hook) }));
    for (const hook of hooks) {
      try {
        await hook();
      } catch (error) {
        this.log.error({ err: error }, 'after-commit hook failed');
      }
    }
    return result;
  }

  /** Row lock for read-modify-write inside a transaction; SQLite's single writer makes it unnecessary there. */
  lockMode(): { mode: 'pessimistic_write' } | undefined {
    return this.dialect === 'mysql' ? { mode: 'pessimistic_write' } : undefined;
  }

  async ping(): Promise<boolean> {
    try {
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * TypeORM reads MariaDB's catalogue differently from MySQL's (defaults, generated
 * columns), so the driver must know which one it talks to: ask the server.
 */
export async function detectMysqlFlavour(url: string): Promise<'mysql' | 'mariadb'> {
  if (url.startsWith('mariadb:')) return 'mariadb';
  const parsed = new URL(url);
  const connection = await createConnection({
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    connectTimeout: 10_000,
  });
  try {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    return /mariadb/i.test((rows as Array<{ version: string }>)[0].version) ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}

export function dataSourceOptions(
  config: Pick<Config, 'database'>,
  entities: EntityList,
  migrations: MigrationList,
  log: Logger,
  flavour: 'mysql' | 'mariadb' = 'mysql',
): DataSourceOptions {
  const common = {
    entities,
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logger: new CountingTypeOrmLogger(log),
    maxQueryExecutionTime: 2000,
  } as const;
  const { url, poolSize } = config.database;
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    const database = file === ':memory:' ? file : resolve(file);
    if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database,
      // WAL lets readers proceed while a writer commits; busy_timeout covers a second process (the CLI).
      prepareDatabase: (db: { pragma(s: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
      },
    };
  }
  return {
    ...common,
    type: flavour,
    url: url.replace(/^mariadb:/, 'mysql:'),
    timezone: 'Z',
    dateStrings: false,
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    bigNumberStrings: false,
    poolSize,
    extra: { connectionLimit: poolSize, waitForConnections: true, enableKeepAlive: true },
  };
}

export async function openDatabase(
  config: Pick<Config, 'database'>,
  entities: EntityList,
  migrations: MigrationList,
  log: Logger,
): Promise<Database> {
  const flavour = config.database.dialect === 'mysql' ? await detectMysqlFlavour(config.database.url) : undefined;
  const dataSource = new DataSource(dataSourceOptions(config, entities, migrations, log, flavour));
  await dataSource.initialize();
  const db = new Database(dataSource, config.database.dialect, log);
  if (config.database.runMigrations) {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length > 0) log.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
  }
  return db;
}
