/**
 * Who is told for a cause. Pure: takes the incident, the contacts in reach and
 * the contract's named contacts per level, returns the recipients.
 *
 * A contact is in reach of an incident only as the service desk's (no customer,
 * no centre), the incident's customer's, or the working centre's: another
 * customer's contact is never told, whatever the policy names.
 */
import { isOnDuty } from '../../contacts/rules/contact-rules';
import { MANAGEMENT_LEVELS, ManagementLevel } from '../../sla/rules/escalation';

export type NotificationCause =
  | 'BREACH_WARNING'
  | 'BREACH'
  | 'ESCALATION'
  | 'EMERGENCY_UPDATE'
  | 'EMERGENCY_UPDATE_MISSED'
  | 'COMPLAINT_REPLY_BREACH'
  | 'LOANER_REQUIRED'
  | 'EOL_NOTICE';
export type Audience = 'DESK' | 'CENTRE' | 'CUSTOMER';

export interface ReachableContact {
  readonly id: string;
  readonly customerId: string | null;
  readonly centreId: string | null;
  readonly level: ManagementLevel;
  readonly active: boolean;
  readonly onDutyHours: string | null;
}

export interface IncidentScope {
  readonly customerId: string;
  readonly assignedCentreId: string | null;
}

export function audienceOf(contact: Pick<ReachableContact, 'customerId' | 'centreId'>, incident: IncidentScope): Audience | null {
  if (contact.customerId) return contact.customerId === incident.customerId ? 'CUSTOMER' : null;
  if (contact.centreId) return contact.centreId === incident.assignedCentreId ? 'CENTRE' : null;
  return 'DESK';
}

export interface CauseTarget {
  readonly levels: readonly ManagementLevel[];
  readonly audiences: readonly Audience[];
}

/**
 * Warnings and missed emergency updates are internal heads-ups (desk and
 * centre); a breach and an escalation concern the customer's management too;
 * emergency progress keeps the customer's people informed up to the level reached;
 * a late first reply to a complaint goes to the desk and centre at the level the
 * complaint reached; a loaner owed under the repair-time rule to the desk and the
 * customer's engineers; an EOL notice to every contact of the customer.
 */
export function causeTarget(cause: NotificationCause, level: ManagementLevel): CauseTarget {
  switch (cause) {
    case 'BREACH_WARNING':
    case 'EMERGENCY_UPDATE_MISSED':
    case 'COMPLAINT_REPLY_BREACH':
      return { levels: [level], audiences: ['DESK', 'CENTRE'] };
    case 'BREACH':
    case 'ESCALATION':
      return { levels: [level], audiences: ['DESK', 'CENTRE', 'CUSTOMER'] };
    case 'EMERGENCY_UPDATE':
      return { levels: MANAGEMENT_LEVELS.slice(0, MANAGEMENT_LEVELS.indexOf(level) + 1), audiences: ['CUSTOMER'] };
    case 'LOANER_REQUIRED':
      return { levels: [level], audiences: ['DESK', 'CUSTOMER'] };
    case 'EOL_NOTICE':
      return { levels: MANAGEMENT_LEVELS, audiences: ['CUSTOMER'] };
  }
}

/**
 * The contacts to tell. Per level, the contacts the policy names for it, or
 * (none named) every contact of that level in reach. Contacts with on-duty
 * hours are skipped while off duty, unless nobody of that level would be told.
 */
export function recipientsFor<C extends ReachableContact>(
  target: CauseTarget,
  incident: IncidentScope,
  contacts: readonly C[],
  namedByLevel: Partial<Record<ManagementLevel, readonly string[]>>,
  at: Date,
  timeZone: string,
): C[] {
  const reachable = contacts.filter((c) => {
    const audience = c.active ? audienceOf(c, incident) : null;
    return audience !== null && target.audiences.includes(audience);
  });
  const out = new Map<string, C>();
  for (const level of target.levels) {
    const named = namedByLevel[level];
    const pool = named ? reachable.filter((c) => named.includes(c.id)) : reachable.filter((c) => c.level === level);
    const onDuty = pool.filter((c) => isOnDuty(c.onDutyHours, at, timeZone));
    for (const c of onDuty.length > 0 ? onDuty : pool) out.set(c.id, c);
  }
  return [...out.values()];
}
