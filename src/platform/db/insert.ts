import type { EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Tx } from './database';

/** INSERTs fully populated rows in one statement now, or queues them when the transaction holds writes back. */
export async function insertRows<T extends ObjectLiteral>(tx: Tx, target: EntityTarget<T>, rows: readonly T[]): Promise<void> {
  if (rows.length === 0) return;
  if (tx.writes) for (const row of rows) tx.writes.insert(target, row);
  else await tx.em.insert(target, rows as unknown as QueryDeepPartialEntity<T>[]);
}
