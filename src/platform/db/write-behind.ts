import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral, QueryRunner } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { AppError } from '../errors';
import { getOrCreate } from '../maps';

/**
 * The writes of one batch transaction, held back and sent as a few multi-row
 * statements instead of one statement each.
 *
 * What makes holding them back safe: every other statement of the transaction
 * (a read, or a write that does not go through here) first sends what is held,
 * in the order it was held. The transaction's own code therefore sees its
 * writes as if they had been sent at once; other transactions see nothing
 * before COMMIT either way. The barrier sits on the transaction's query runner,
 * so it also covers code that does not know about write-behind.
 *
 * A `unit` is the write-behind form of a savepoint: when it fails, what it held
 * is dropped, and a SAVEPOINT is set only if the unit had to send a statement,
 * so a unit that only writes costs no statement at all. Entities saved through
 * here are updated with the columns that changed since they were read (`track`)
 * or written; the caller restores an entity's fields when its unit fails.
 *
 * Nested TypeORM transactions (`em.transaction` inside this one) must not hold
 * writes here: their rollback could not drop them. They send their statements
 * directly, behind the barrier.
 */
const intercepted = new WeakSet<QueryRunner>();

/** Whether a write-behind holds this query runner's writes back: statements that bypass `query` would skip its barrier. */
export function holdsWritesBack(runner: QueryRunner): boolean {
  return intercepted.has(runner);
}

export class WriteBehind {
  private readonly ops: Op[] = [];
  /** What the database holds for each tracked entity, as bound values per column. */
  private readonly baselines = new WeakMap<object, unknown[]>();
  private readonly participants = new Map<string, WriteParticipant<unknown>>();
  private readonly send: Send;
  private readonly ownQuery: QueryRunner['query'] | undefined;
  private unitState: { name: string; mark: number; savepointSet: boolean; undo: Array<[object, unknown[] | undefined]> } | null = null;
  private flushing = false;
  private closed = false;

  private constructor(
    private readonly em: EntityManager,
    private readonly runner: QueryRunner,
  ) {
    this.ownQuery = Object.prototype.hasOwnProperty.call(runner, 'query') ? runner.query : undefined;
    const query = runner.query.bind(runner) as (sql: string, parameters?: unknown[], structured?: boolean) => Promise<unknown>;
    this.send = <R>(sql: string, parameters?: unknown[]) => query(sql, parameters) as Promise<R>;
    intercepted.add(runner);
    runner.query = (async (sql: string, parameters?: unknown[], structured?: boolean) => {
      if (!this.flushing && !this.closed) await this.barrier();
      return query(sql, parameters, structured);
    }) as QueryRunner['query'];
  }

  /** Starts holding back writes of the transaction behind `em`; `close` (before COMMIT) sends the rest. */
  static open(em: EntityManager): WriteBehind {
    if (!em.queryRunner) throw new Error('write-behind needs a transaction');
    return new WriteBehind(em, em.queryRunner);
  }

  /** Sends what is held and stops holding. Call as the last thing before COMMIT. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush(this.ops.length);
    this.release();
  }

  /** Stops holding without sending (the transaction is rolling back). */
  release(): void {
    if (this.closed) return;
    this.closed = true;
    intercepted.delete(this.runner);
    if (this.ownQuery) this.runner.query = this.ownQuery;
    else delete (this.runner as Partial<QueryRunner>).query; // the prototype's method again
  }

  /** Queues an INSERT of a fully populated entity (every column set, as insertRow expects). */
  insert<T extends ObjectLiteral>(target: EntityTarget<T>, row: T): void {
    this.ops.push({ kind: 'insert', metadata: this.em.connection.getMetadata(target), row });
  }

  /** Records what the database holds for an entity just read, so saving it later sends only what changed. */
  track<T extends ObjectLiteral>(target: EntityTarget<T>, entity: T): void {
    const metadata = this.em.connection.getMetadata(target);
    this.baselines.set(entity, this.boundValues(metadata, entity));
  }

  /** Queues an UPDATE of the entity's changed columns (by primary key), with its values as they are when sent. */
  save<T extends ObjectLiteral>(target: EntityTarget<T>, entity: T): void {
    this.ops.push({ kind: 'save', metadata: this.em.connection.getMetadata(target), row: entity });
  }

  /** The queue of a writer with its own flush logic (the scheduler's jobs), created on first use. */
  participant<O>(name: string, create: () => WriteParticipant<O>): { push(op: O): void } {
    let participant = this.participants.get(name) as WriteParticipant<O> | undefined;
    if (!participant) this.participants.set(name, (participant = create()) as WriteParticipant<unknown>);
    return { push: (op: O) => void this.ops.push({ kind: 'custom', participant: participant as WriteParticipant<unknown>, op }) };
  }

  /**
   * Runs `work` as a unit: if it throws, what it queued is dropped and, if it
   * sent statements, they are rolled back to its savepoint. Units do not nest.
   */
  async unit<T>(name: string, work: () => Promise<T>): Promise<T> {
    if (this.unitState) throw new Error('write-behind units do not nest');
    const state = { name, mark: this.ops.length, savepointSet: false, undo: [] as Array<[object, unknown[] | undefined]> };
    this.unitState = state;
    try {
      return await work();
    } catch (error) {
      this.ops.length = state.mark;
      if (state.savepointSet) {
        for (const [entity, baseline] of state.undo.reverse()) {
          if (baseline) this.baselines.set(entity, baseline);
          else this.baselines.delete(entity);
        }
        try {
          await this.send(`ROLLBACK TO SAVEPOINT ${name}`);
        } catch (rollbackError) {
          // A deadlock has already rolled back the whole transaction: report the deadlock so the
          // transaction is retried. A refusal that could not be undone must not commit.
          throw error instanceof AppError ? rollbackError : error;
        }
      }
      throw error;
    } finally {
      this.unitState = null;
    }
  }

  /** Before any other statement: send what is held (inside a unit, what came before it goes before its savepoint). */
  private async barrier(): Promise<void> {
    const unit = this.unitState;
    if (unit && !unit.savepointSet) {
      await this.flush(unit.mark);
      this.flushing = true;
      try {
        await this.send(`SAVEPOINT ${unit.name}`);
      } finally {
        this.flushing = false;
      }
      unit.savepointSet = true;
    }
    await this.flush(this.ops.length);
  }

  /** Sends the first `count` queued operations, in as few statements as the tables allow. */
  private async flush(count: number): Promise<void> {
    if (count === 0) return;
    const batch = this.ops.splice(0, count);
    if (this.unitState) this.unitState.mark -= Math.min(count, this.unitState.mark);
    this.flushing = true;
    try {
      const inserts = new Map<EntityMetadata, ObjectLiteral[]>();
      const saves = new Map<EntityMetadata, Set<ObjectLiteral>>();
      const custom = new Map<WriteParticipant<unknown>, unknown[]>();
      for (const op of batch) {
        if (op.kind === 'custom') getOrCreate(custom, op.participant, () => []).push(op.op);
        else if (op.kind === 'insert') getOrCreate(inserts, op.metadata, () => []).push(op.row);
        else getOrCreate(saves, op.metadata, () => new Set()).add(op.row);
      }
      for (const [metadata, rows] of inserts) await this.insertRows(metadata, rows);
      for (const [metadata, rows] of saves) await this.updateRows(metadata, [...rows]);
      for (const [participant, ops] of custom) await participant.flush(ops, this.em, this.send);
    } finally {
      this.flushing = false;
    }
  }

  private insertRows(metadata: EntityMetadata, rows: ObjectLiteral[]): Promise<void> {
    return insertRows(this.em, metadata, rows, this.send, (row, bound) => this.setBaseline(row, bound));
  }

  /**
   * One UPDATE for all rows that changed: joined with a derived table of their
   * new values (`SELECT ? AS id, ? AS col UNION ALL SELECT ?, ? …`) on the
   * primary key, setting each column that changed in any of them (a row whose
   * column did not change gets its own value again). A CASE per column would
   * compare every row with every other: quadratic in the batch.
   */
  private async updateRows(metadata: EntityMetadata, rows: ObjectLiteral[]): Promise<void> {
    const columns = writableColumns(metadata);
    const [primary] = metadata.primaryColumns;
    const primaryIndex = columns.indexOf(primary);
    const changes: Array<{ bound: unknown[]; changed: number[] }> = [];
    for (const row of rows) {
      const bound = this.boundValues(metadata, row);
      const before = this.baselines.get(row);
      const changed = columns.map((_, i) => i).filter((i) => i !== primaryIndex && (!before || !sameValue(before[i], bound[i])));
      if (changed.length === 0) continue;
      changes.push({ bound, changed });
      this.setBaseline(row, bound);
    }
    if (changes.length === 0) return;
    const driver = this.em.connection.driver;
    const table = driver.escape(metadata.tableName);
    const pk = driver.escape(primary.databaseName);
    if (changes.length === 1) {
      const [{ bound, changed }] = changes;
      const set = changed.map((i) => `${driver.escape(columns[i].databaseName)} = ?`).join(', ');
      await this.send(`UPDATE ${table} SET ${set} WHERE ${pk} = ?`, [...changed.map((i) => bound[i]), bound[primaryIndex]]);
      return;
    }
    const touched = [...new Set(changes.flatMap((c) => c.changed))].sort((a, b) => a - b);
    const names = touched.map((i) => driver.escape(columns[i].databaseName));
    const first = `SELECT ? AS ${pk}, ${names.map((n) => `? AS ${n}`).join(', ')}`;
    const next = `SELECT ?${', ?'.repeat(touched.length)}`;
    const derived = [first, ...changes.slice(1).map(() => next)].join(' UNION ALL ');
    const values = changes.flatMap((c) => [c.bound[primaryIndex], ...touched.map((i) => c.bound[i])]);
    const sql =
      this.em.connection.options.type === 'better-sqlite3'
        ? `UPDATE ${table} SET ${names.map((n) => `${n} = v.${n}`).join(', ')} FROM (${derived}) AS v WHERE ${table}.${pk} = v.${pk}`
        : `UPDATE ${table} AS t JOIN (${derived}) AS v ON t.${pk} = v.${pk} SET ${names.map((n) => `t.${n} = v.${n}`).join(', ')}`;
    await this.send(sql, values);
  }

  private setBaseline(row: object, bound: unknown[]): void {
    if (this.unitState?.savepointSet) this.unitState.undo.push([row, this.baselines.get(row)]);
    this.baselines.set(row, bound);
  }

  private boundValues(metadata: EntityMetadata, row: ObjectLiteral): unknown[] {
    return boundValues(this.em, metadata, row);
  }
}

/** Multi-row INSERTs of fully populated entities, in chunks below the dialects' parameter limits. */
export async function insertRows(
  em: EntityManager,
  metadata: EntityMetadata,
  rows: readonly ObjectLiteral[],
  send: Send,
  onBound?: (row: ObjectLiteral, bound: unknown[]) => void,
): Promise<void> {
  const columns = writableColumns(metadata);
  const driver = em.connection.driver;
  const names = columns.map((c) => driver.escape(c.databaseName)).join(', ');
  const perRow = `(${columns.map(() => '?').join(', ')})`;
  for (const chunk of chunks(rows, Math.max(1, Math.floor(MAX_PARAMETERS / columns.length)))) {
    const values: unknown[] = [];
    for (const row of chunk) {
      const bound = boundValues(em, metadata, row);
      values.push(...bound);
      onBound?.(row, bound);
    }
    await send(`INSERT INTO ${driver.escape(metadata.tableName)} (${names}) VALUES ${chunk.map(() => perRow).join(', ')}`, values);
  }
}

function boundValues(em: EntityManager, metadata: EntityMetadata, row: ObjectLiteral): unknown[] {
  const driver = em.connection.driver;
  return writableColumns(metadata).map((c) => driver.preparePersistentValue(c.getEntityValue(row), c));
}

/** A writer with its own queue semantics; `flush` gets its queued operations in order and sends them with `send`. */
export interface WriteParticipant<O> {
  flush(ops: O[], em: EntityManager, send: Send): Promise<void>;
}

/** Sends a statement past the barrier; answers rows for a SELECT. */
export type Send = <R = unknown>(sql: string, parameters?: unknown[]) => Promise<R>;

type Op =
  | { kind: 'insert' | 'save'; metadata: EntityMetadata; row: ObjectLiteral }
  | { kind: 'custom'; participant: WriteParticipant<unknown>; op: unknown };

/** Below SQLite's and MariaDB's limits on bound parameters per statement. */
export const MAX_PARAMETERS = 30_000;

const columnsCache = new WeakMap<EntityMetadata, ColumnMetadata[]>();
function writableColumns(metadata: EntityMetadata): ColumnMetadata[] {
  let columns = columnsCache.get(metadata);
  if (!columns) columnsCache.set(metadata, (columns = metadata.columns.filter((c) => !c.isVirtual && !c.isGenerated)));
  return columns;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
