import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource, DataSourceOptions, EntityManager, EntitySchema, MixedList } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { betterSqlite3 } from './better-sqlite3';
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
  /**
   * What earlier attempts of this transaction learned (see DecideAfterRollback). Units of work that
   * build a Tx of their own may leave it out: then nothing is decided after a rollback.
   */
  readonly learned?: Set<string>;
}

/**
 * Thrown inside a transaction when the answer depends on a row the transaction
 * holds locked, and the usual answer is a rollback (a stock line short of the
 * units asked for): the transaction rolls back first, releasing the lock, and
 * `decide` then reads the committed rows and returns the error to throw, or
 * 'retry' to run the work again knowing `fact` (the work then takes the path
 * that decides under the lock). A hot row is then never held for a read whose
 * only use is the wording of the error.
 */
export class DecideAfterRollback extends Error {
  readonly fact: string;
  readonly decide: (em: EntityManager) => Promise<Error | 'retry'>;
  constructor(fact: string, decide: (em: EntityManager) => Promise<Error | 'retry'>) {
    // Control flow, caught by Database.transaction: a stack would be captured for nothing.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(`decided after rollback: ${fact}`);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.fact = fact;
    this.decide = decide;
  }
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
      const run = this.sqliteQueue.then(() => this.attempts(work));
      this.sqliteQueue = run.catch(() => undefined);
      return run;
    }
    return this.attempts(work);
  }

  private async attempts<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const learned = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runOnce(work, learned);
      } catch (error) {
        if (error instanceof DecideAfterRollback) {
          // A fact already learned is never thrown again, so this ends; the bound guards against a caller that does.
          if (learned.has(error.fact) || attempt >= 8)
            throw new Error(`transaction kept deciding after rollback: ${error.fact}`, { cause: error });
          // Outside any transaction: on SQLite this still runs in the queue's turn, alone on the connection.
          const outcome = await error.decide(this.manager);
          if (outcome !== 'retry') throw outcome;
          learned.add(error.fact);
          continue;
        }
        const code = (error as { code?: string }).code;
        if (this.dialect !== 'mysql' || !code || !RETRYABLE_MYSQL_ERRORS.has(code) || attempt >= 4) throw error;
        this.log.warn({ code, attempt }, 'transaction retried after lock conflict');
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
      }
    }
  }

  private async runOnce<T>(work: (tx: Tx) => Promise<T>, learned: Set<string>): Promise<T> {
    const hooks: Array<() => void | Promise<void>> = [];
    const result = await this.dataSource.transaction((em) => work({ em, afterCommit: (hook) => hooks.push(hook), learned }));
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
      driver: betterSqlite3(),
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
