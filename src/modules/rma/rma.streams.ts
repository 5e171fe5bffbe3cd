import { DateTime } from 'luxon';
import type { Tx } from '../../platform/db/database';
import { KeyedLocks } from '../../platform/db/keyed-lock';
import type { Hub } from '../../platform/hub';
import { HeldRmaEvent, Rma, RmaCounter, RmaStream } from './rma.entity';
import { DEFAULT_SITE_TIME_ZONE } from './rules/loaner-rule';
import { formatRmaNumber } from './rules/rma-number';

/**
 * An RMA number is a stream: every change of one number, including before the RMA exists, is serialised
 * by a keyed lock on it (the transaction's first statement; see KeyedLocks). Also issues hub numbers.
 */
export class RmaStreams {
  private readonly locks: KeyedLocks<RmaStream>;

  constructor(hub: Hub) {
    this.locks = new KeyedLocks(hub.db, RmaStream, 'number');
  }

  /** `fresh`: a number the hub has just issued, known to no one else. */
  lock(tx: Tx, number: string, options: { fresh?: boolean } = {}): Promise<void> {
    return this.locks.lock(tx, number, options);
  }

  lockMany(tx: Tx, numbers: readonly string[]): Promise<void> {
    return this.locks.lockMany(tx, numbers);
  }

  /** Creates the lock rows ahead of the transaction that locks them. */
  ensure(numbers: readonly string[]): Promise<void> {
    return this.locks.ensure(numbers);
  }

  /** Next hub-issued number for the year (Beijing time); skips numbers a centre already used. */
  async nextNumber(tx: Tx, at: Date): Promise<string> {
    const year = DateTime.fromJSDate(at, { zone: DEFAULT_SITE_TIME_ZONE }).year;
    if (!(await tx.em.findOneBy(RmaCounter, { year }))) {
      await tx.em.createQueryBuilder().insert().into(RmaCounter).values({ year, lastSequence: 0 }).orIgnore().execute();
    }
    for (;;) {
      // The UPDATE locks the counter row until commit: concurrent requests queue here and never share a number.
      await tx.em
        .createQueryBuilder()
        .update(RmaCounter)
        .set({ lastSequence: () => 'lastSequence + 1' })
        .where('year = :year', { year })
        .execute();
      const counter = await tx.em.findOneByOrFail(RmaCounter, { year });
      const number = formatRmaNumber(year, counter.lastSequence);
      const taken =
        (await tx.em.exists(Rma, { where: { number } })) || (await tx.em.exists(HeldRmaEvent, { where: { rmaNumber: number } }));
      if (!taken) return number;
    }
  }
}
