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
import { IncidentEventType } from '../incidents/incident.enums';
import type { ManagementLevel } from '../incidents/rules/escalation';
import type { ClockKind } from '../incidents/rules/sla-clock';
import { DeliveryState, Notification, NotificationChannel } from './notification.entity';
import { causeTarget, NotificationCause, recipientsFor } from './rules/recipients';
import { MessageFacts, renderNotification } from './rules/render';

/** A reason to tell people, derived from one timeline entry. */
export interface IncidentCause {
  readonly cause: NotificationCause;
  /** Unique per cause: the timeline entry it came from. */
  readonly key: string;
  /** The management level whose people are told. */
  readonly level: ManagementLevel;
  readonly facts: Omit<MessageFacts, 'site' | 'timeZone'>;
}

const WATCHED: ReadonlySet<string> = new Set([
  IncidentEventType.CLOCK_WARNING,
  IncidentEventType.CLOCK_BREACHED,
  IncidentEventType.ESCALATED,
  IncidentEventType.PROGRESS_OVERDUE,
  IncidentEventType.PROGRESS_POSTED,
]);

/**
 * Turns an incident's new timeline entries into notification causes. Pure.
 * A breach is told to the level that missed it; the escalation that follows
 * (same change) to the level reached.
 */
export function causesOf(incident: Incident, events: readonly IncidentEvent[]): IncidentCause[] {
  const details = (e: IncidentEvent) => (e.details ? (JSON.parse(e.details) as Record<string, unknown>) : {});
  const levelStep = events.map((e) => ({ e, d: details(e) })).find(({ e, d }) => e.type === IncidentEventType.ESCALATED && d.kind === 'RAISE_MANAGEMENT_LEVEL');
  const levelBefore = (levelStep?.d.from as ManagementLevel | undefined) ?? incident.managementLevel;
  const base = { ref: incident.externalRef ?? incident.id.slice(0, 8), severity: incident.severity, summary: incident.summary };
  const out: IncidentCause[] = [];
  for (const e of events) {
    if (!WATCHED.has(e.type)) continue;
    const d = details(e);
    const key = `incident:${incident.id}:${e.seq}`;
    const facts = { ...base, at: e.at, clock: (e.clock as ClockKind | null) ?? null };
    switch (e.type) {
      case IncidentEventType.CLOCK_WARNING:
        out.push({ cause: 'BREACH_WARNING', key, level: incident.managementLevel, facts: { ...facts, dueAt: new Date(String(d.dueAt)), remainingMs: Number(d.remainingMs) } });
        break;
      case IncidentEventType.CLOCK_BREACHED:
        out.push({ cause: 'BREACH', key, level: levelBefore, facts: { ...facts, dueAt: new Date(String(d.dueAt)) } });
        break;
      case IncidentEventType.ESCALATED:
        if (d.kind !== 'RAISE_MANAGEMENT_LEVEL') break;
        out.push({
          cause: 'ESCALATION',
          key,
          level: d.to as ManagementLevel,
          facts: {
            ...facts,
            fromLevel: d.from as ManagementLevel,
            toLevel: d.to as ManagementLevel,
            trigger: d.trigger as MessageFacts['trigger'],
            periodMs: e.at.getTime() - incident.reportedAt.getTime(),
          },
        });
        break;
      case IncidentEventType.PROGRESS_OVERDUE:
        out.push({ cause: 'EMERGENCY_UPDATE_MISSED', key, level: levelBefore, facts: { ...facts, dueAt: new Date(String(d.dueAt)) } });
        break;
      case IncidentEventType.PROGRESS_POSTED:
        if (incident.emergencyActive) out.push({ cause: 'EMERGENCY_UPDATE', key, level: incident.managementLevel, facts: { ...facts, progress: e.message } });
        break;
    }
  }
  return out;
}

export class NotificationsService {
  private readonly wakeListeners = new Set<() => void>();

  constructor(private readonly hub: Hub) {}

  /** The sender listens here to send right after a commit instead of at its next poll. */
  onRecorded(listener: () => void): void {
    this.wakeListeners.add(listener);
  }

  /** Incident hook: records the notifications its new timeline entries call for, in the same transaction. */
  async onIncidentChange(tx: Tx, incident: Incident, events: readonly IncidentEvent[]): Promise<void> {
    if (!events.some((e) => WATCHED.has(e.type))) return;
    const causes = causesOf(incident, events);
    if (causes.length === 0) return;
    const [contacts, plan, site] = await Promise.all([
      this.hub.get(ContactsService).inScopeOf(tx.em, incident),
      this.hub.get(ContactsService).plan(incident.contractId, tx.em),
      tx.em.findOne(Site, { where: { id: incident.siteId }, select: { id: true, name: true, timeZone: true } }),
    ]);
    const timeZone = site?.timeZone ?? 'Asia/Shanghai';
    for (const cause of causes) {
      const recipients = recipientsFor(causeTarget(cause.cause, cause.level), incident, contacts, plan?.contactsByLevel ?? {}, cause.facts.at, timeZone);
      await this.record(tx, cause.cause, cause.key, incident.id, recipients, { ...cause.facts, site: site?.name ?? incident.siteId, timeZone });
    }
  }

  /** One row per recipient and channel; a cause recorded twice (a replay) is ignored by the unique key. */
  async record(tx: Tx, cause: NotificationCause, causeKey: string, incidentId: string | null, recipients: readonly Contact[], facts: MessageFacts): Promise<number> {
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
      if (c.email) rows.push(Object.assign(new Notification(), { ...base, id: newId(), channel: NotificationChannel.EMAIL, address: c.email, imChannel: null }));
      if (c.imWebhookUrl && c.imChannel)
        rows.push(Object.assign(new Notification(), { ...base, id: newId(), channel: NotificationChannel.IM, address: c.imWebhookUrl, imChannel: c.imChannel }));
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
