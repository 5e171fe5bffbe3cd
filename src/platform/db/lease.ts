import type { Database } from './database';
import { Lease } from '../outbox/outbox.entity';

/**
 * A named lease in the database, so that one instance at a time runs a background loop (the outbox
 * relay, webhook delivery, ITSM sync). Taking it again before it expires renews it; an expired one
 * passes to whoever asks next. Two first takers race on the primary key: the loser gets the
 * duplicate-key error, and its loop's next round asks again.
 */
export class NamedLease {
  /** Until when this instance is known to hold the lease (0: not held). */
  private heldUntil = 0;

  constructor(
    private readonly db: Database,
    readonly name: string,
    private readonly holder: string,
    private readonly ttlMs: number,
  ) {}

  /**
   * Takes or renews the lease; false while another holder's lease is still valid. A lease held for more
   * than half its term is not written again: the loops ask several times a second, and on SQLite every
   * write transaction waits for (and blocks its process on) another process's write lock.
   */
  async hold(): Promise<boolean> {
    const now = new Date();
    if (this.heldUntil - now.getTime() > this.ttlMs / 2) return true;
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const held = await this.db.transaction(async ({ em }) => {
      const lease = await em.findOne(Lease, { where: { name: this.name }, lock: this.db.lockMode() });
      if (!lease) {
        await em.insert(Lease, { name: this.name, holder: this.holder, expiresAt });
        return true;
      }
      if (lease.holder !== this.holder && lease.expiresAt > now) return false;
      await em.update(Lease, { name: this.name }, { holder: this.holder, expiresAt });
      return true;
    });
    this.heldUntil = held ? expiresAt.getTime() : 0;
    return held;
  }

  /** Gives the lease up at shutdown, so another instance takes over at once instead of after the expiry. */
  async release(): Promise<void> {
    this.heldUntil = 0;
    await this.db.manager.delete(Lease, { name: this.name, holder: this.holder }).catch(() => undefined);
  }
}
