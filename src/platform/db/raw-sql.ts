import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * Hand-written statements for hot paths, sent through the caller's query
 * runner (so they join its transaction and are counted like any other query).
 * TypeORM's query builders cost more CPU per statement than the database
 * spends on a single-row INSERT or UPDATE by primary key; these helpers keep
 * the two things TypeORM does for us that matter on both dialects: quoting
 * names, and turning values into what the driver binds (dates, booleans,
 * column transformers).
 */

const insertSqlCache = new WeakMap<object, Map<string, { sql: string; columns: ColumnMetadata[] }>>();

function insertStatement(em: EntityManager, target: EntityTarget<ObjectLiteral>) {
  const metadata = em.connection.getMetadata(target);
  let perConnection = insertSqlCache.get(em.connection);
  if (!perConnection) insertSqlCache.set(em.connection, (perConnection = new Map()));
  let statement = perConnection.get(metadata.tableName);
  if (!statement) {
    const driver = em.connection.driver;
    const columns = metadata.columns.filter((c) => !c.isVirtual && !c.isGenerated);
    const names = columns.map((c) => driver.escape(c.databaseName)).join(', ');
    const sql = `INSERT INTO ${driver.escape(metadata.tableName)} (${names}) VALUES (${columns.map(() => '?').join(', ')})`;
    perConnection.set(metadata.tableName, (statement = { sql, columns }));
  }
  return statement;
}

/** One INSERT of a fully populated entity (every column set by the caller, as our services do). */
export async function insertRow<T extends ObjectLiteral>(em: EntityManager, target: EntityTarget<T>, row: T): Promise<void> {
  const { sql, columns } = insertStatement(em, target);
  const driver = em.connection.driver;
  await em.query(
    sql,
    columns.map((c) => driver.preparePersistentValue(c.getEntityValue(row), c)),
  );
}

/** A value as the driver binds it for this entity's column (a Date becomes SQLite's UTC text, for one). */
export function columnValue<T extends ObjectLiteral>(em: EntityManager, target: EntityTarget<T>, property: keyof T & string, value: unknown): unknown {
  const column = em.connection.getMetadata(target).findColumnWithPropertyName(property);
  if (!column) throw new Error(`no column ${property}`);
  return em.connection.driver.preparePersistentValue(value, column);
}

/** Runs an UPDATE or DELETE in the caller's transaction; answers the number of rows it changed. */
export async function execute(em: EntityManager, sql: string, parameters: unknown[]): Promise<number> {
  if (!em.queryRunner) throw new Error('raw statements run inside a transaction');
  const result = await em.queryRunner.query(sql, parameters, true);
  return result.affected ?? 0;
}

/** The table's name and its columns' names, quoted for this dialect, to write statements with. */
export function quotedNames<T extends ObjectLiteral>(em: EntityManager, target: EntityTarget<T>): { table: string; col: (property: keyof T & string) => string } {
  const metadata = em.connection.getMetadata(target);
  const driver = em.connection.driver;
  return {
    table: driver.escape(metadata.tableName),
    col: (property) => {
      const column = metadata.findColumnWithPropertyName(property);
      if (!column) throw new Error(`no column ${property} on ${metadata.tableName}`);
      return driver.escape(column.databaseName);
    },
  };
}

const selectSqlCache = new WeakMap<object, Map<string, string>>();

/**
 * One row by primary key, hydrated as TypeORM would (dates, booleans, column
 * transformers). `forUpdate` appends FOR UPDATE: MySQL/MariaDB only (SQLite has no row locks).
 */
export async function selectById<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  id: string,
  options: { forUpdate: boolean },
): Promise<T | null> {
  const metadata = em.connection.getMetadata(target);
  const driver = em.connection.driver;
  const { forUpdate } = options;
  let perConnection = selectSqlCache.get(em.connection);
  if (!perConnection) selectSqlCache.set(em.connection, (perConnection = new Map()));
  const cacheKey = `${metadata.tableName}:${forUpdate}`;
  let sql = perConnection.get(cacheKey);
  if (!sql) {
    const [primary] = metadata.primaryColumns;
    const names = metadata.columns.map((c) => driver.escape(c.databaseName)).join(', ');
    sql = `SELECT ${names} FROM ${driver.escape(metadata.tableName)} WHERE ${driver.escape(primary.databaseName)} = ?${forUpdate ? ' FOR UPDATE' : ''}`;
    perConnection.set(cacheKey, sql);
  }
  const rows: Array<Record<string, unknown>> = await em.query(sql, [id]);
  if (rows.length === 0) return null;
  const entity = metadata.create() as T;
  for (const column of metadata.columns) column.setEntityValue(entity, driver.prepareHydratedValue(rows[0][column.databaseName], column));
  return entity;
}

/**
 * Rows by primary key, hydrated as `selectById` does. With `forUpdate`
 * (MySQL/MariaDB only) the primary key is forced: on a small table the planner
 * would rather scan, and a locking scan locks every row and gap it passes.
 */
export async function selectByIds<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  ids: readonly string[],
  options: { forUpdate: boolean },
): Promise<T[]> {
  if (ids.length === 0) return [];
  const metadata = em.connection.getMetadata(target);
  const driver = em.connection.driver;
  const [primary] = metadata.primaryColumns;
  const names = metadata.columns.map((c) => driver.escape(c.databaseName)).join(', ');
  const sql =
    `SELECT ${names} FROM ${driver.escape(metadata.tableName)}${options.forUpdate ? ' FORCE INDEX (PRIMARY)' : ''}` +
    ` WHERE ${driver.escape(primary.databaseName)} IN (${ids.map(() => '?').join(', ')})` +
    `${options.forUpdate ? ` ORDER BY ${driver.escape(primary.databaseName)} FOR UPDATE` : ''}`;
  const rows: Array<Record<string, unknown>> = await em.query(sql, [...ids]);
  return rows.map((row) => {
    const entity = metadata.create() as T;
    for (const column of metadata.columns) column.setEntityValue(entity, driver.prepareHydratedValue(row[column.databaseName], column));
    return entity;
  });
}
