import { QueryFailedError, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';
import { holdsWritesBack, MAX_PARAMETERS } from './write-behind';

/**
 * Hand-written statements for hot paths, sent through the caller's query
 * runner (so they join its transaction and are counted like any other query).
 * TypeORM's query builders cost more CPU per statement than the database
 * spends on a single-row INSERT or UPDATE by primary key; these helpers keep
 * the two things TypeORM does for us that matter on both dialects: quoting
 * names, and turning values into what the driver binds (dates, booleans,
 * column transformers).
 */

interface Mysql2Connection {
  query(sql: string, values: unknown[], callback: (error: Error | null, result: unknown) => void): void;
}

/**
 * The mysql2 connection of the caller's transaction, or null (SQLite, or no
 * transaction). TypeORM keeps it in a protected field of its query runner.
 */
function mysqlConnectionOf(em: EntityManager): Mysql2Connection | null {
  const type = em.connection.driver.options.type;
  if (type !== 'mysql' && type !== 'mariadb') return null;
  // Statements of a transaction that holds writes back must pass its barrier (the query runner).
  if (em.queryRunner && holdsWritesBack(em.queryRunner)) return null;
  const runner = em.queryRunner as unknown as { databaseConnection?: Mysql2Connection; isReleased: boolean } | undefined;
  const connection = runner && !runner.isReleased ? runner.databaseConnection : undefined;
  return connection && typeof connection.query === 'function' ? connection : null;
}

/**
 * A statement of the caller's transaction. On MySQL/MariaDB it goes to the
 * transaction's mysql2 connection directly: TypeORM's query method costs a
 * small statement a quarter of its CPU again (subscriber broadcasts before and
 * after, a result wrapper, several promise hops) for nothing these statements
 * use. What it does that matters is done here too: the logger sees the
 * statement (the x-sql-statements count, trace logging), slow statements are
 * reported, failures are QueryFailedErrors with the driver's code.
 */
function run<R>(em: EntityManager, sql: string, parameters: unknown[]): Promise<R> {
  const connection = mysqlConnectionOf(em);
  if (!connection) return em.query(sql, parameters);
  const logger = em.connection.logger;
  const slowMs = em.connection.options.maxQueryExecutionTime;
  logger.logQuery(sql, parameters, em.queryRunner);
  const started = Date.now();
  return new Promise<R>((resolve, reject) =>
    connection.query(sql, parameters, (error, result) => {
      const ms = Date.now() - started;
      if (slowMs && ms > slowMs) logger.logQuerySlow(ms, sql, parameters, em.queryRunner);
      if (!error) return resolve(result as R);
      logger.logQueryError(error, sql, parameters, em.queryRunner);
      reject(new QueryFailedError(sql, parameters, error));
    }),
  );
}

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
  await run(
    em,
    sql,
    columns.map((c) => driver.preparePersistentValue(c.getEntityValue(row), c)),
  );
}

/**
 * Multi-row INSERT of fully populated entities in the caller's transaction, sent
 * now (not held back): for rows whose unique key is the point, such as dedupe
 * claims, where the caller must see a duplicate-key failure at once. TypeORM's
 * insert builder spends more CPU per row on parameter names than this whole path.
 */
export async function insertRowsNow<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  rows: readonly T[],
): Promise<void> {
  if (rows.length === 0) return;
  const { sql, columns } = insertStatement(em, target);
  const driver = em.connection.driver;
  const perRow = sql.slice(sql.lastIndexOf('('));
  const head = sql.slice(0, sql.lastIndexOf('('));
  const chunkSize = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    const values: unknown[] = [];
    for (const row of chunk) for (const c of columns) values.push(driver.preparePersistentValue(c.getEntityValue(row), c));
    await run(em, head + chunk.map(() => perRow).join(', '), values);
  }
}

/** Rows of a hand-written SELECT in the caller's transaction (counted and logged like any statement). */
export function selectRows<R>(em: EntityManager, sql: string, parameters: unknown[]): Promise<R[]> {
  return run<R[]>(em, sql, parameters);
}

/** A value as the driver binds it for this entity's column (a Date becomes SQLite's UTC text, for one). */
export function columnValue<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  property: keyof T & string,
  value: unknown,
): unknown {
  const column = em.connection.getMetadata(target).findColumnWithPropertyName(property);
  if (!column) throw new Error(`no column ${property}`);
  return em.connection.driver.preparePersistentValue(value, column);
}

/** Runs an UPDATE or DELETE in the caller's transaction; answers the number of rows it changed. */
export async function execute(em: EntityManager, sql: string, parameters: unknown[]): Promise<number> {
  if (!em.queryRunner) throw new Error('raw statements run inside a transaction');
  if (!mysqlConnectionOf(em)) return (await em.queryRunner.query(sql, parameters, true)).affected ?? 0;
  return (await run<{ affectedRows: number }>(em, sql, parameters)).affectedRows;
}

/** The table's name and its columns' names, quoted for this dialect, to write statements with. */
export function quotedNames<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
): { table: string; col: (property: keyof T & string) => string } {
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

interface HydrationPlan {
  columns: Array<{ column: ColumnMetadata; name: string; property: string | null }>;
  allColumns: string;
  /** The raw rows' keys of the columns, by prefix: made once, so each row is read with the same strings. */
  keysByPrefix: Map<string, string[]>;
}
const hydrationPlans = new WeakMap<EntityMetadata, HydrationPlan>();

function hydrationPlan(em: EntityManager, metadata: EntityMetadata): HydrationPlan {
  let plan = hydrationPlans.get(metadata);
  if (!plan) {
    const driver = em.connection.driver;
    plan = {
      columns: metadata.columns.map((column) => ({
        column,
        name: column.databaseName,
        // A plain column is one property of the entity; embedded and relation columns go through TypeORM.
        property: column.embeddedMetadata || column.relationMetadata || column.referencedColumn ? null : column.propertyName,
      })),
      allColumns: metadata.columns.map((c) => driver.escape(c.databaseName)).join(', '),
      keysByPrefix: new Map(),
    };
    hydrationPlans.set(metadata, plan);
  }
  return plan;
}

/**
 * Entities from raw rows (keyed by column name, after `prefix`), as TypeORM's own hydration makes
 * them: the driver's conversion of each value (dates, booleans, JSON, column transformers), the
 * entity's prototype without running its constructor. TypeORM's transformer also walks relations
 * and joins for every row and column; for a 200-row page that was a fifth of the request's CPU.
 */
export function hydrate<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  rows: ReadonlyArray<Record<string, unknown>>,
  prefix = '',
): T[] {
  const metadata = em.connection.getMetadata(target);
  const driver = em.connection.driver;
  const plan = hydrationPlan(em, metadata);
  const { columns } = plan;
  let keys = plan.keysByPrefix.get(prefix);
  if (!keys) plan.keysByPrefix.set(prefix, (keys = columns.map(({ name }) => prefix + name)));
  return rows.map((row) => {
    const entity = metadata.create(undefined, { fromDeserializer: true }) as Record<string, unknown>;
    for (let i = 0; i < columns.length; i++) {
      const { column, property } = columns[i];
      const value = driver.prepareHydratedValue(row[keys[i]], column);
      if (property !== null) entity[property] = value;
      else column.setEntityValue(entity, value);
    }
    return entity as T;
  });
}

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
    sql = `SELECT ${hydrationPlan(em, metadata).allColumns} FROM ${driver.escape(metadata.tableName)} WHERE ${driver.escape(primary.databaseName)} = ?${forUpdate ? ' FOR UPDATE' : ''}`;
    perConnection.set(cacheKey, sql);
  }
  const rows = await run<Array<Record<string, unknown>>>(em, sql, [id]);
  return rows.length === 0 ? null : hydrate(em, target, rows)[0];
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
  const sql =
    `SELECT ${hydrationPlan(em, metadata).allColumns} FROM ${driver.escape(metadata.tableName)}${options.forUpdate ? ' FORCE INDEX (PRIMARY)' : ''}` +
    ` WHERE ${driver.escape(primary.databaseName)} IN (${ids.map(() => '?').join(', ')})` +
    `${options.forUpdate ? ` ORDER BY ${driver.escape(primary.databaseName)} FOR UPDATE` : ''}`;
  const rows = await run<Array<Record<string, unknown>>>(em, sql, [...ids]);
  return hydrate(em, target, rows);
}

/**
 * The rows whose `property` is one of `values` (a DataLoader's batch), optionally ordered, in one
 * statement without locks: what `em.find(X, { where: { property: In(values) }, order })` reads,
 * without the query builder and its hydration.
 */
export async function selectWhereIn<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  property: keyof T & string,
  values: readonly unknown[],
  orderBy: ReadonlyArray<keyof T & string> = [],
): Promise<T[]> {
  if (values.length === 0) return [];
  const metadata = em.connection.getMetadata(target);
  const { table, col } = quotedNames(em, target);
  const order = orderBy.length ? ` ORDER BY ${orderBy.map((p) => col(p)).join(', ')}` : '';
  const sql = `SELECT ${hydrationPlan(em, metadata).allColumns} FROM ${table} WHERE ${col(property)} IN (${values.map(() => '?').join(', ')})${order}`;
  return hydrate(em, target, await run<Array<Record<string, unknown>>>(em, sql, [...values]));
}

/** SQLite cannot bind booleans in hand-written conditions. */
export const sqlBool = (value: boolean): number => (value ? 1 : 0);
