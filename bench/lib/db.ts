/**
 * The benchmark's database: a fresh MariaDB database per benchmark, migrated by
 * the hub's own migrations, filled by multi-row INSERTs and dropped afterwards
 * (also on failure and on interrupt: see dropAllDatabases).
 */
import { randomBytes } from 'node:crypto';
import { createPool, type Pool, type PoolOptions, type RowDataPacket } from 'mysql2/promise';
import { openHubDatabase } from '../../src/app';
import { loadConfig } from '../../src/platform/config';
import { createLogger } from '../../src/platform/logger';

export const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/';

export interface BenchDatabase {
  name: string;
  /** DATABASE_URL for the hub. */
  url: string;
  /** Connection pool for seeding, checks and the baselines' settings. */
  pool: Pool;
  drop(): Promise<void>;
}

const created = new Map<string, () => Promise<void>>();

export function poolOptions(url: string, extra: Partial<PoolOptions> = {}): PoolOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database: u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : undefined,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    connectionLimit: 4,
    ...extra,
  };
}

/** Creates `hub_bench_<tag>_<time>_<rand>` and runs the hub's migrations in it. */
export async function createBenchDatabase(baseUrl: string, tag: string): Promise<BenchDatabase> {
  const name = `hub_bench_${tag}_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const admin = createPool(poolOptions(baseUrl, { database: undefined, connectionLimit: 1 }));
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  const pool = createPool(poolOptions(url.toString(), { connectionLimit: 4 }));
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    created.delete(name);
    await pool.end().catch(() => undefined);
    const conn = createPool(poolOptions(baseUrl, { database: undefined, connectionLimit: 1 }));
    try {
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await conn.end();
    }
  };
  created.set(name, drop);
  // The hub's own migrations (the same code path as startHub), then the hub is not kept open.
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url.toString(), LOG_LEVEL: 'warn', SEED_DEMO: 'false' });
  const db = await openHubDatabase(config, createLogger('warn'));
  await db.close();
  return { name, url: url.toString(), pool, drop };
}

export async function dropAllDatabases(): Promise<void> {
  for (const drop of [...created.values()]) await drop().catch(() => undefined);
}

const columnCache = new Map<string, Map<string, { nullable: boolean; hasDefault: boolean }>>();

async function columnsOf(pool: Pool, table: string) {
  const key = `${table}`;
  let cols = columnCache.get(key);
  if (!cols) {
    const [rows] = await pool.query<RowDataPacket[]>(
      `SELECT COLUMN_NAME AS name, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def, EXTRA AS extra
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
      [table],
    );
    if (rows.length === 0) throw new Error(`bulkInsert: no table ${table}`);
    cols = new Map(
      rows.map((r) => [
        r.name as string,
        { nullable: r.nullable === 'YES', hasDefault: r.def !== null || /auto_increment/i.test(String(r.extra)) },
      ]),
    );
    columnCache.set(key, cols);
  }
  return cols;
}

function sqlValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Date || v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return typeof v === 'boolean' ? (v ? 1 : 0) : v;
  return JSON.stringify(v); // JsonColumn: JSON text
}

/**
 * Multi-row INSERT of entity-shaped rows (column name → value; objects become
 * JSON text as JsonColumn stores them). The column set is checked against the
 * migrated table, so a seed that drifts from the entities fails loudly.
 */
export async function bulkInsert(pool: Pool, table: string, rows: Array<Record<string, unknown>>, chunk = 1000): Promise<void> {
  if (rows.length === 0) return;
  const cols = await columnsOf(pool, table);
  const names = Object.keys(rows[0]);
  for (const n of names) if (!cols.has(n)) throw new Error(`bulkInsert: ${table} has no column ${n}`);
  for (const [n, c] of cols)
    if (!c.nullable && !c.hasDefault && !names.includes(n)) throw new Error(`bulkInsert: ${table}.${n} is required`);
  const columnList = names.map((n) => `\`${n}\``).join(', ');
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const values = part.map((r) => names.map((n) => sqlValue(r[n])));
    await pool.query(`INSERT INTO \`${table}\` (${columnList}) VALUES ?`, [values]);
  }
}

export async function selectAll<T = Record<string, unknown>>(pool: Pool, sql: string, params: unknown[] = []): Promise<T[]> {
  const [rows] = await pool.query<RowDataPacket[]>(sql, params);
  return rows as unknown as T[];
}

export async function scalar(pool: Pool, sql: string, params: unknown[] = []): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(sql, params);
  const first = rows[0] ?? {};
  return Number(Object.values(first)[0] ?? 0);
}

/** SHOW GLOBAL STATUS Questions: statements the server received (every database, every client). */
export async function globalQuestions(pool: Pool): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(`SHOW GLOBAL STATUS LIKE 'Questions'`);
  return Number(rows[0]?.Value ?? 0);
}

/** Copies every table of `from` into `to` (same migrations, so the same tables), rows included. */
export async function copyTables(from: BenchDatabase, to: BenchDatabase): Promise<void> {
  const conn = await from.pool.getConnection();
  try {
    await conn.query('SET FOREIGN_KEY_CHECKS = 0');
    const [tables] = await conn.query<RowDataPacket[]>(
      `SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'`,
      [from.name],
    );
    for (const { name } of tables) {
      await conn.query(`DELETE FROM \`${to.name}\`.\`${name}\``);
      await conn.query(`INSERT INTO \`${to.name}\`.\`${name}\` SELECT * FROM \`${from.name}\`.\`${name}\``);
    }
  } finally {
    await conn.query('SET FOREIGN_KEY_CHECKS = 1').catch(() => undefined);
    conn.release();
  }
}
