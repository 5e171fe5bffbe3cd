import type { Database, Tx } from '../../platform/db/database';

/** A unique index refused the row: on MySQL/MariaDB ER_DUP_ENTRY, on SQLite a UNIQUE/PRIMARY KEY constraint. */
export function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Joins the caller's transaction when there is one; SQLite would deadlock on a second, queued transaction. */
export function inTx<T>(db: Database, tx: Tx | undefined, work: (tx: Tx) => Promise<T>): Promise<T> {
  return tx ? work(tx) : db.transaction(work);
}

/**
 * Runs work in a SAVEPOINT of the caller's transaction, so a failure undoes only
 * our writes and leaves the caller free to carry on. After-commit hooks are
 * passed to the outer transaction only if the savepoint was kept.
 */
export async function savepoint<T>(tx: Tx, work: (tx: Tx) => Promise<T>): Promise<T> {
  const hooks: Array<() => void | Promise<void>> = [];
  const result = await tx.em.transaction((em) => work({ em, afterCommit: (hook) => hooks.push(hook), learned: tx.learned }));
  for (const hook of hooks) tx.afterCommit(hook);
  return result;
}

/** SQLite cannot bind booleans in hand-written conditions. */
export const sqlBool = (value: boolean): number => (value ? 1 : 0);
