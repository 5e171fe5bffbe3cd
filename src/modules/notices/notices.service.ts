import { In } from 'typeorm';
import type { Principal } from '../../platform/auth/principal';
import { scopeQuery } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { badInput, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { Customer } from '../customers/customer.entity';
import { Notice, NoticeKind } from './notice.entity';

export const NOTICE_PUBLISHED = 'NOTICE_PUBLISHED';
/** Staff subscribers listen on this id and receive every customer's notices. */
export const ALL_CUSTOMERS = '*';

/** What crosses the live bus: JSON-safe (dates as ISO strings). */
export type NoticePayload = Omit<Notice, 'publishedAt'> & { publishedAt: string };

export class NoticesService {
  private readonly publishListeners: Array<(tx: Tx, notices: readonly Notice[]) => Promise<void>> = [];

  constructor(private readonly hub: Hub) {}

  /** Other modules react to published notices in the publishing transaction (notifications: EOL notices to customer contacts). */
  onPublished(listener: (tx: Tx, notices: readonly Notice[]) => Promise<void>): void {
    this.publishListeners.push(listener);
  }

  list(principal: Principal, first: number): Promise<Notice[]> {
    return scopeQuery(this.hub.db.manager.createQueryBuilder(Notice, 'n'), principal, Notice)
      .orderBy('n.publishedAt', 'DESC')
      .limit(Math.min(first, this.hub.config.graphql.maxPageSize))
      .getMany();
  }

  /** Publishes one notice per customer; other modules call it inside their own transaction (e.g. an EOL announcement). */
  async publish(
    input: { customerIds: string[]; kind: NoticeKind; title: string; body: string; publishedBy: string },
    tx?: Tx,
  ): Promise<Notice[]> {
    if (!tx) return this.hub.db.transaction((own) => this.publish(input, own));
    const ids = [...new Set(input.customerIds)];
    if (ids.length === 0) throw badInput('At least one customer is required', { field: 'customerIds' });
    const found = await tx.em.findBy(Customer, { id: In(ids) });
    const missing = ids.filter((id) => !found.some((c) => c.id === id));
    if (missing.length > 0) throw notFound('Customer', missing.join(','));
    const publishedAt = new Date();
    const notices = ids.map((customerId) =>
      Object.assign(new Notice(), {
        id: newId(),
        customerId,
        kind: input.kind,
        title: input.title,
        body: input.body,
        publishedAt,
        publishedBy: input.publishedBy,
      }),
    );
    await tx.em.insert(Notice, notices);
    for (const listener of this.publishListeners) await listener(tx, notices);
    tx.afterCommit(() => {
      for (const notice of notices) {
        const payload: NoticePayload = { ...notice, publishedAt: notice.publishedAt.toISOString() };
        this.hub.pubsub.publishToEach(NOTICE_PUBLISHED, [notice.customerId, ALL_CUSTOMERS], payload);
      }
    });
    return notices;
  }
}
