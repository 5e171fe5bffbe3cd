import type { Principal } from '../../platform/auth/principal';
import { scopeQuery } from '../../platform/auth/scope';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { groupByKey } from '../../platform/graphql/batch';
import type { Hub } from '../../platform/hub';
import { Contact } from '../contacts/contact.entity';
import { ContactsService } from '../contacts/contacts.service';
import { Site } from '../customers/customer.entity';
import type { Incident, IncidentEvent } from '../incidents/incident.entity';
import type { ManagementLevel } from '../sla/rules/escalation';
import type { Notice } from '../notices/notice.entity';
import type { EventEnvelope } from '../../platform/kafka/event-bus';
import { DeliveryState, Notification, NotificationChannel } from './notification.entity';
import { AnnouncedCause, ANNOUNCING_EVENTS, causeOfEvent, causeOfNotice } from './rules/announced-causes';
import { causesOf, WATCHED_EVENTS } from './rules/causes';
import { causeTarget, NotificationCause, recipientsFor } from './rules/recipients';
import { MessageFacts, renderNotification } from './rules/render';

/** Where no site says otherwise (complaints, notices): the hub serves China. */
const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export class NotificationsService {
  private readonly wakeListeners = new Set<() => void>();

  constructor(private readonly hub: Hub) {}

  /** The sender listens here to send right after a commit instead of at its next poll. */
  onRecorded(listener: () => void): void {
    this.wakeListeners.add(listener);
  }

  /** Incident hook: records the notifications its new timeline entries call for, in the same transaction. */
  async onIncidentChange(tx: Tx, incident: Incident, events: readonly IncidentEvent[]): Promise<void> {
    if (!events.some((e) => WATCHED_EVENTS.has(e.type))) return;
    const causes = causesOf(incident, events);
    if (causes.length === 0) return;
    const plan = await this.hub.get(ContactsService).plan(incident.contractId, tx.em);
    for (const c of causes)
      await this.tell(
        tx,
        { cause: c.cause, key: c.key, scope: incident, level: c.level, siteId: incident.siteId, facts: c.facts },
        incident.id,
        plan?.contactsByLevel ?? {},
      );
  }

  /** Outbox hook: events other modules announce (complaints, RMAs), in their transaction. */
  async onAnnounced(tx: Tx, events: readonly EventEnvelope[]): Promise<void> {
    for (const event of events) {
      if (!ANNOUNCING_EVENTS.has(event.type)) continue;
      const cause = causeOfEvent(event);
      if (cause && cause.scope.customerId) await this.tell(tx, cause, null, {});
    }
  }

  /** Notices hook: an end-of-life notice goes to the customer's contacts. */
  async onNoticesPublished(tx: Tx, notices: readonly Notice[]): Promise<void> {
    for (const notice of notices) {
      const cause = causeOfNotice(notice);
      if (cause) await this.tell(tx, cause, null, {});
    }
  }

  private async tell(
    tx: Tx,
    c: AnnouncedCause,
    incidentId: string | null,
    named: Partial<Record<ManagementLevel, readonly string[]>>,
  ): Promise<void> {
    const [contacts, site] = await Promise.all([
      this.hub.get(ContactsService).inScopeOf(tx.em, c.scope),
      c.siteId ? tx.em.findOne(Site, { where: { id: c.siteId }, select: { id: true, name: true, timeZone: true } }) : Promise.resolve(null),
    ]);
    const timeZone = site?.timeZone ?? DEFAULT_TIME_ZONE;
    const recipients = recipientsFor(causeTarget(c.cause, c.level), c.scope, contacts, named, c.facts.at, timeZone);
    await this.record(tx, c.cause, c.key, incidentId, recipients, { ...c.facts, site: site?.name ?? '', timeZone });
  }

  /** One row per recipient and channel; a cause recorded twice (a replay) is ignored by the unique key. */
  async record(
    tx: Tx,
    cause: NotificationCause,
    causeKey: string,
    incidentId: string | null,
    recipients: readonly Contact[],
    facts: MessageFacts,
  ): Promise<number> {
    const now = new Date();
    const rows: Notification[] = [];
    for (const c of recipients) {
      const message = renderNotification(cause, facts, c.language);
      const base = {
        causeKey,
        cause,
        incidentId,
        contactId: c.id,
        recipientCustomerId: c.customerId,
        recipientCentreId: c.centreId,
        recipientName: c.name.slice(0, 120),
        language: c.language,
        subject: message.subject,
        body: message.body,
        status: DeliveryState.PENDING,
        attempts: 0,
        nextAttemptAt: now,
        lockedUntil: null,
        lastError: null,
        createdAt: now,
        sentAt: null,
      };
      if (c.email)
        rows.push(
          Object.assign(new Notification(), {
            ...base,
            id: newId(),
            channel: NotificationChannel.EMAIL,
            address: c.email,
            imChannel: null,
          }),
        );
      if (c.imWebhookUrl && c.imChannel)
        rows.push(
          Object.assign(new Notification(), {
            ...base,
            id: newId(),
            channel: NotificationChannel.IM,
            address: c.imWebhookUrl,
            imChannel: c.imChannel,
          }),
        );
    }
    if (rows.length === 0) return 0;
    await tx.em.createQueryBuilder().insert().into(Notification).values(rows).orIgnore().execute();
    tx.afterCommit(() => {
      for (const wake of this.wakeListeners) wake();
    });
    return rows.length;
  }

  /** An incident's notifications the principal may see (a customer: those to its own contacts), oldest first. */
  async forIncidents(principal: Principal, incidentIds: readonly string[]): Promise<Notification[][]> {
    const rows = await scopeQuery(this.hub.db.manager.createQueryBuilder(Notification, 'n'), principal, Notification)
      .andWhere('n.incidentId IN (:...ids)', { ids: [...incidentIds] })
      .orderBy('n.createdAt', 'ASC')
      .addOrderBy('n.id', 'ASC')
      .getMany();
    return groupByKey(incidentIds, rows, (r) => r.incidentId ?? '');
  }
}
