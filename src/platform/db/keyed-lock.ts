import type { EntityTarget, ObjectLiteral } from 'typeorm';
import type { Database, Tx } from './database';
import { quotedNames } from './raw-sql';

/**
 * Serialises every change under one key (an RMA number, ...), including before the thing the key names
 * exists: a lock table holds one row per key (rows are never deleted) and a transaction locks the rows
 * of its keys first. On SQLite transactions take turns anyway, so inserting the row is enough.
 *
 * A lock must be the transaction's first statement on MariaDB: under REPEATABLE READ the snapshot is
 * taken at the first plain read, and a locking read does not take it, so everything read after the
 * lock includes the previous holder's commit. `ensure` beforehand keeps the lock a row lock (locking a
 * missing key takes a gap lock, and concurrent inserts into a gap deadlock).
 */
export class KeyedLocks<E extends ObjectLiteral> {
  /** Keys whose lock row exists; bounded so a long-running hub does not grow without end. */
  private readonly known = new Set<string>();

  /**
   * @param target the lock table's entity: a primary key column `keyColumn` plus a `createdAt` instant.
   */
  constructor(
    private readonly db: Database,
    private readonly target: EntityTarget<E>,
    private readonly keyColumn: keyof E & string,
  ) {}

  private rows(keys: readonly string[]): E[] {
    const createdAt = new Date();
    return keys.map((key) => ({ [this.keyColumn]: key, createdAt }) as unknown as E);
  }

  /** Locks one key. `fresh`: a key the hub has just issued is known to no one else, inserting its row is the lock. */
  async lock(tx: Tx, key: string, options: { fresh?: boolean } = {}): Promise<void> {
    const where = { [this.keyColumn]: key } as never;
    if (this.db.dialect === 'mysql' && !options.fresh) {
      const locked = await tx.em.findOne(this.target, { where, lock: { mode: 'pessimistic_write' } });
      if (locked) return;
    }
    await tx.em
      .createQueryBuilder()
      .insert()
      .into(this.target)
      .values(this.rows([key]))
      .orIgnore()
      .execute();
    if (this.db.dialect === 'mysql' && !options.fresh) await tx.em.findOne(this.target, { where, lock: { mode: 'pessimistic_write' } });
  }

  /** `lock` for several keys in one statement on MariaDB (rows locked in key order, so two such transactions cannot deadlock on them). */
  async lockMany(tx: Tx, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    if (this.db.dialect !== 'mysql') {
      await tx.em.createQueryBuilder().insert().into(this.target).values(this.rows(keys)).orIgnore().execute();
      return;
    }
    const sorted = [...new Set(keys)].sort();
    // The primary key is forced: on a small table the planner would scan, locking every row, and concurrent lockers would wait for each other.
    const { table, col } = quotedNames(tx.em, this.target);
    const locked = await tx.em.query<Array<{ lockKey: string }>>(
      `SELECT ${col(this.keyColumn)} AS lockKey FROM ${table} FORCE INDEX (PRIMARY) WHERE ${col(this.keyColumn)} IN (${sorted.map(() => '?').join(', ')}) ORDER BY ${col(this.keyColumn)} FOR UPDATE`,
      sorted,
    );
    if (locked.length === sorted.length) return;
    // A lock row missing despite ensure (database replaced under a running hub): the slow way for those.
    const have = new Set(locked.map((l) => l.lockKey));
    for (const key of sorted) if (!have.has(key)) await this.lock(tx, key);
  }

  /** Creates the lock rows of keys in their own (autocommit) statement, ahead of the transaction that locks them; none when all are known. */
  async ensure(keys: readonly string[]): Promise<void> {
    // SQLite runs one transaction at a time: there is no gap lock to avoid.
    if (this.db.dialect !== 'mysql') return;
    const missing = [...new Set(keys)].filter((k) => !this.known.has(k));
    if (missing.length === 0) return;
    await this.db.manager.createQueryBuilder().insert().into(this.target).values(this.rows(missing.sort())).orIgnore().execute();
    if (this.known.size + missing.length > 100_000) this.known.clear();
    for (const key of missing) this.known.add(key);
  }
}
