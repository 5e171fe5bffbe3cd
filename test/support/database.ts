import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

/**
 * Which database a suite runs on. Default: a fresh SQLite file. With
 * TEST_DATABASE_URL=mysql://root@127.0.0.1:3306/ a fresh MariaDB/MySQL database
 * is created per call and dropped by `drop()`. REQUIRE_MYSQL=1 makes a missing
 * TEST_DATABASE_URL a failure instead of a silent fall-back to SQLite.
 */
export interface TestDatabase {
  url: string;
  dialect: 'sqlite' | 'mysql';
  drop(): Promise<void>;
}

export function testDialect(): 'sqlite' | 'mysql' {
  if (process.env.TEST_DATABASE_URL) return 'mysql';
  if (process.env.REQUIRE_MYSQL === '1')
    throw new Error('REQUIRE_MYSQL=1 but TEST_DATABASE_URL is not set (e.g. mysql://root@127.0.0.1:3306/)');
  return 'sqlite';
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDialect() === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'hub-test-'));
    return { url: `sqlite:${join(dir, 'hub.sqlite')}`, dialect: 'sqlite', drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const base = new URL(process.env.TEST_DATABASE_URL!);
  const name = `hub_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = await createConnection({
    host: base.hostname,
    port: Number(base.port || 3306),
    user: decodeURIComponent(base.username || 'root'),
    password: decodeURIComponent(base.password),
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dialect: 'mysql',
    drop: async () => {
      const conn = await createConnection({
        host: base.hostname,
        port: Number(base.port || 3306),
        user: decodeURIComponent(base.username || 'root'),
        password: decodeURIComponent(base.password),
      });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}
