import { AppError } from '../errors';
import type { Database, Tx } from './database';

/** Joins the caller's transaction when there is one; SQLite would deadlock on a second, queued transaction. */
export function inTx<T>(db: Database, tx: Tx | undefined, work: (tx: Tx) => Promise<T>): Promise<T> {
  return tx ? work(tx) : db.transaction(work);
}

/**
 * Runs work in a SAVEPOINT of the caller's transaction, so a failure undoes only that work and leaves
 * the caller free to carry on. After-commit hooks reach the outer transaction only if it was kept.
 */
export async function savepoint<T>(tx: Tx, work: (tx: Tx) => Promise<T>): Promise<T> {
  const hooks: Array<() => void | Promise<void>> = [];
  const result = await tx.em.transaction((em) => work({ em, afterCommit: (hook) => hooks.push(hook), learned: tx.learned }));
  for (const hook of hooks) tx.afterCommit(hook);
  return result;
}

/**
 * `savepoint` for a step repeated many times in one transaction (each event of a batch): the savepoint
 * is set under a fixed name and never released, one statement instead of two. Setting it again replaces
 * it on MariaDB and stacks on SQLite (ROLLBACK TO takes the latest); COMMIT discards them all.
 */
export async function repeatedSavepoint<T>(tx: Tx, name: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  const hooks: Array<() => void | Promise<void>> = [];
  const inner: Tx = { em: tx.em, writes: tx.writes, afterCommit: (hook) => hooks.push(hook) };
  let result: T;
  if (tx.writes) {
    // Held-back writes: the unit sets its savepoint only if it has to send a statement.
    result = await tx.writes.unit(name, () => work(inner));
  } else {
    await tx.em.query(`SAVEPOINT ${name}`);
    try {
      result = await work(inner);
    } catch (error) {
      try {
        await tx.em.query(`ROLLBACK TO SAVEPOINT ${name}`);
      } catch (rollbackError) {
        // A deadlock has already rolled back the whole transaction, savepoint included: report the
        // deadlock so the transaction is retried. A refusal that could not be undone must not commit.
        throw error instanceof AppError ? rollbackError : error;
      }
      throw error;
    }
  }
  for (const hook of hooks) tx.afterCommit(hook);
  return result;
}
