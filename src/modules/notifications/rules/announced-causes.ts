/**
 * Notification causes announced by other modules: events they put in the
 * outbox (a complaint's first-reply breach, a loaner owed under the
 * repair-time rule) and published notices (end of life). Pure.
 */
import type { EventEnvelope } from '../../../platform/kafka/event-bus';
import type { ManagementLevel } from '../../sla/rules/escalation';
import type { IncidentScope, NotificationCause } from './recipients';
import type { MessageFacts } from './render';

export interface AnnouncedCause {
  readonly cause: NotificationCause;
  readonly key: string;
  readonly scope: IncidentScope;
  readonly level: ManagementLevel;
  readonly siteId: string | null;
  readonly facts: Omit<MessageFacts, 'site' | 'timeZone'>;
}

/** Event types worth a look, so the listener returns at once for everything else. */
export const ANNOUNCING_EVENTS: ReadonlySet<string> = new Set(['ComplaintClockBreached', 'LoanerRequired']);

export function causeOfEvent(event: EventEnvelope): AnnouncedCause | null {
  const p = (event.payload ?? {}) as Record<string, unknown>;
  const at = new Date(event.occurredAt);
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  if (event.type === 'ComplaintClockBreached' && p.clock === 'FIRST_REPLY') {
    const id = str(p.complaintId);
    return {
      cause: 'COMPLAINT_REPLY_BREACH',
      key: `complaint:${id}:FIRST_REPLY`,
      scope: { customerId: str(p.customerId), assignedCentreId: str(p.centreId) || null },
      level: (str(p.managementLevel) || 'ENGINEER') as ManagementLevel,
      siteId: null,
      facts: {
        ref: id.slice(0, 8),
        severity: '',
        summary: str(p.category),
        at,
        dueAt: new Date(str(p.dueAt)),
        toLevel: (str(p.managementLevel) || 'ENGINEER') as ManagementLevel,
      },
    };
  }
  if (event.type === 'LoanerRequired') {
    const number = str(p.rmaNumber);
    return {
      cause: 'LOANER_REQUIRED',
      key: `rma:${number}:LoanerRequired`,
      scope: { customerId: str(p.customerId), assignedCentreId: null },
      level: 'ENGINEER',
      siteId: str(p.siteId) || null,
      facts: { ref: number, severity: '', summary: `${str(p.model)} ${str(p.serialNumber)}`.trim(), at, dueAt: new Date(str(p.dueAt)) },
    };
  }
  return null;
}

export function causeOfNotice(notice: {
  id: string;
  customerId: string;
  kind: string;
  title: string;
  body: string;
  publishedAt: Date;
}): AnnouncedCause | null {
  if (notice.kind !== 'END_OF_LIFE') return null;
  return {
    cause: 'EOL_NOTICE',
    key: `notice:${notice.id}`,
    scope: { customerId: notice.customerId, assignedCentreId: null },
    level: 'DIRECTOR',
    siteId: null,
    facts: { ref: notice.id.slice(0, 8), severity: '', summary: notice.title, progress: notice.body, at: notice.publishedAt },
  };
}
