/**
 * Database-side fault injection for tests: read a hub's database from outside
 * the hub, freeze its writers at a chosen point, and kill its MariaDB
 * connections. Works on the suite's database (SQLite file or MariaDB).
 */
import { createConnection, type Connection } from 'mysql2/promise';
import { openHubDatabase } from '../../src/app';
import { loadConfig } from '../../src/platform/config';
import { betterSqlite3 } from '../../src/platform/db/better-sqlite3';
import type { Database } from '../../src/platform/db/database';
import { createLogger } from '../../src/platform/logger';
import type { TestDatabase } from './database';

/** The hub's entities and connection on `db`, without a hub (no outbox, scheduler or consumers); migrations are not run. */
export function openObserver(db: TestDatabase): Promise<Database> {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, MIGRATIONS_RUN: 'false', DATABASE_POOL_SIZE: '4' });
  return openHubDatabase(config, createLogger('silent'));
}

export const mysqlDatabaseName = (db: TestDatabase): string => decodeURIComponent(new URL(db.url).pathname.slice(1));

/** A root connection to the MariaDB server of `db` (not bound to its database). */
export async function mysqlAdmin(db: TestDatabase): Promise<Connection> {
  const url = new URL(db.url);
  return createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    database: mysqlDatabaseName(db),
  });
}

export interface Freeze {
  /** Claims the frozen writer had written in its open, uncommitted transaction ('mid-transaction' on MariaDB; null otherwise). */
  pendingRows: number | null;
  release(): Promise<void>;
}

/**
 * Stops every writer of the database at a known point, by holding locks from a
 * second connection (no hook in the hub needed):
 *
 *  - 'between-transactions': waits until the transaction in flight has committed,
 *    then blocks the next one before it writes anything. SQLite: BEGIN IMMEDIATE
 *    (the one write lock). MariaDB: next-key locks on all of processed_events,
 *    so the next inbound event blocks on its dedupe claim, its first write.
 *  - 'mid-transaction' (MariaDB): locks every row (and gap) of `rmas`, so the next
 *    inbound event blocks after its dedupe claim was written, inside its
 *    transaction; resolves once such a blocked writer with rows already written
 *    is seen (its uncommitted dedupe claim shows in a READ UNCOMMITTED count and
    not in a READ COMMITTED one). On SQLite the same as
 *    'between-transactions': the writer waits inside its deferred transaction,
 *    at its first write (SQLite has no row locks to stop it later).
 *
 * A SQLite writer waits at most its busy_timeout (5 s in the hub) and then fails
 * its transaction: kill or release well within that.
 */
export async function freezeWriters(db: TestDatabase, point: 'between-transactions' | 'mid-transaction'): Promise<Freeze> {
  if (db.dialect === 'sqlite') {
    const conn = new (betterSqlite3())(db.url.slice('sqlite:'.length));
    conn.pragma('busy_timeout = 20000');
    conn.exec('BEGIN IMMEDIATE');
    return {
      pendingRows: null,
      release: async () => {
        conn.exec('ROLLBACK');
        conn.close();
      },
    };
  }
  const conn = await mysqlAdmin(db);
  await conn.query('SET SESSION innodb_lock_wait_timeout = 60');
  await conn.query('BEGIN');
  const release = async () => {
    await conn.query('ROLLBACK').catch(() => undefined);
    await conn.end().catch(() => undefined);
  };
  try {
    if (point === 'between-transactions') {
      await conn.query('SELECT consumer FROM processed_events FOR UPDATE');
      return { pendingRows: null, release };
    }
    await conn.query('SELECT id FROM rmas FOR UPDATE');
    // The blocked writer's claim is visible to a dirty read only: that difference is the open transaction's work.
    const probe = await mysqlAdmin(db);
    try {
      const count = async (isolation: string) => {
        await probe.query(`SET SESSION TRANSACTION ISOLATION LEVEL ${isolation}`);
        const [rows] = await probe.query('SELECT COUNT(*) AS n FROM processed_events');
        return Number((rows as Array<{ n: number }>)[0].n);
      };
      const deadline = Date.now() + 20_000;
      for (;;) {
        const pending = (await count('READ UNCOMMITTED')) - (await count('READ COMMITTED'));
        if (pending > 0) return { pendingRows: pending, release };
        if (Date.now() > deadline)
          throw new Error(
            `no writer blocked mid-transaction within 20 s; sessions: ${JSON.stringify(await mysqlSessions(probe, mysqlDatabaseName(db)))}`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await probe.end().catch(() => undefined);
    }
  } catch (error) {
    await release();
    throw error;
  }
}

/** Connections of the hub to its MariaDB test database, with what they are doing. */
export interface MysqlSession {
  id: number;
  command: string;
  time: number;
  state: string | null;
  info: string | null;
  /** The session has an open InnoDB transaction. */
  inTransaction: boolean;
  rowsModified: number;
}

export async function mysqlSessions(admin: Connection, database: string): Promise<MysqlSession[]> {
  const [rows] = await admin.query(
    `SELECT p.ID AS id, p.COMMAND AS command, p.TIME AS time, p.STATE AS state, p.INFO AS info,
            t.trx_id IS NOT NULL AS inTx, COALESCE(t.trx_rows_modified, 0) AS modified
       FROM information_schema.PROCESSLIST p
       LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID
      WHERE p.DB = ? AND p.ID <> CONNECTION_ID()`,
    [database],
  );
  return (rows as Array<Record<string, unknown>>).map((r) => ({
    id: Number(r.id),
    command: String(r.command),
    time: Number(r.time),
    state: (r.state as string | null) ?? null,
    info: (r.info as string | null) ?? null,
    inTransaction: Number(r.inTx) === 1,
    rowsModified: Number(r.modified),
  }));
}
