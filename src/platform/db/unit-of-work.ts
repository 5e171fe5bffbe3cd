import type { EntityTarget, ObjectLiteral } from 'typeorm';
import type { EventEnvelope } from '../kafka/event-bus';
import type { Outbox } from '../outbox/outbox';
import type { Tx } from './database';
import { insertRows } from './insert';

/**
 * What one change leaves behind, recorded together in the transaction of the change: timeline entries
 * (and other append-only rows), outbound events (through the outbox), and live updates published only
 * after COMMIT, so no subscriber or consumer sees a change that was rolled back.
 *
 * Collect with `timeline`, `emit` and `afterCommit`, then `record(tx)` once the subject row is written.
 */
export class UnitOfWork {
  private readonly rows = new Map<EntityTarget<ObjectLiteral>, ObjectLiteral[]>();
  private readonly events = new Map<string, EventEnvelope[]>();
  private readonly publishes: Array<() => void | Promise<void>> = [];

  constructor(private readonly outbox: Outbox) {}

  /** Appends a timeline entry (or any insert-only row) to write with the change. */
  timeline<T extends ObjectLiteral>(target: EntityTarget<T>, row: T): this {
    const list = this.rows.get(target as EntityTarget<ObjectLiteral>);
    if (list) list.push(row);
    else this.rows.set(target as EntityTarget<ObjectLiteral>, [row]);
    return this;
  }

  /** An outbound event, enqueued in the outbox in the same transaction. */
  emit(topic: string, ...events: EventEnvelope[]): this {
    if (events.length === 0) return this;
    const list = this.events.get(topic);
    if (list) list.push(...events);
    else this.events.set(topic, [...events]);
    return this;
  }

  /** A live update, published after COMMIT (never after a rollback). */
  afterCommit(publish: () => void | Promise<void>): this {
    this.publishes.push(publish);
    return this;
  }

  /** Writes what was collected (multi-row inserts, held back when the transaction holds writes back) and empties the unit. */
  async record(tx: Tx): Promise<void> {
    for (const [target, rows] of this.rows) await insertRows(tx, target, rows);
    for (const [topic, events] of this.events) await this.outbox.enqueue(tx, topic, events);
    for (const publish of this.publishes) tx.afterCommit(publish);
    this.rows.clear();
    this.events.clear();
    this.publishes.length = 0;
  }
}
