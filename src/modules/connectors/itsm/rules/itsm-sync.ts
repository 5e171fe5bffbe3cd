/**
 * Pure rules of the two-way ticket sync with a customer's ITSM: what a hub timeline entry sends to the
 * ticket, what a change from the ticket's journal does in the hub, and how echoes are recognised.
 * The state mapping is data (stored per connector); DEFAULT_ITSM_MAPPING fits a ServiceNow-style ITSM.
 */

export type HubStatus =
  'NEW' | 'ACKNOWLEDGED' | 'IN_PROGRESS' | 'ON_SITE' | 'AWAITING_PARTS' | 'AWAITING_CUSTOMER' | 'RESTORED' | 'CLOSED' | 'CANCELLED';
export type HubSeverity = 'P1' | 'P2' | 'P3' | 'P4';
/** What a ticket state set by the customer means in the hub. */
export type InboundAction = 'CONFIRM_CLOSURE' | 'REOPEN' | 'IGNORE';

export interface ItsmMapping {
  /** Hub status → ticket state. */
  outbound: Record<HubStatus, string>;
  /** Ticket state (set by the customer) → what the hub does; states not listed are ignored. */
  inbound: Record<string, InboundAction>;
  /** Hub severity → ticket priority (1 = highest). */
  priorities: Record<HubSeverity, number>;
}

export const HUB_STATUSES: readonly HubStatus[] = [
  'NEW',
  'ACKNOWLEDGED',
  'IN_PROGRESS',
  'ON_SITE',
  'AWAITING_PARTS',
  'AWAITING_CUSTOMER',
  'RESTORED',
  'CLOSED',
  'CANCELLED',
];
export const HUB_SEVERITIES: readonly HubSeverity[] = ['P1', 'P2', 'P3', 'P4'];

export const DEFAULT_ITSM_MAPPING: ItsmMapping = {
  outbound: {
    NEW: 'NEW',
    ACKNOWLEDGED: 'IN_PROGRESS',
    IN_PROGRESS: 'IN_PROGRESS',
    ON_SITE: 'IN_PROGRESS',
    AWAITING_PARTS: 'ON_HOLD',
    AWAITING_CUSTOMER: 'ON_HOLD',
    RESTORED: 'RESOLVED',
    CLOSED: 'CLOSED',
    CANCELLED: 'CANCELED',
  },
  inbound: { CLOSED: 'CONFIRM_CLOSURE', IN_PROGRESS: 'REOPEN', NEW: 'REOPEN' },
  priorities: { P1: 1, P2: 2, P3: 3, P4: 4 },
};

/** The defaults with the given entries replaced (entries not given keep the default). */
export function mergeMapping(
  base: ItsmMapping,
  given: {
    outbound?: Array<{ hubStatus: string; itsmState: string }> | null;
    inbound?: Array<{ itsmState: string; action: InboundAction }> | null;
    priorities?: Array<{ severity: string; priority: number }> | null;
  } | null,
): { mapping: ItsmMapping; problems: string[] } {
  const mapping: ItsmMapping = {
    outbound: { ...base.outbound },
    inbound: { ...base.inbound },
    priorities: { ...base.priorities },
  };
  const problems: string[] = [];
  for (const o of given?.outbound ?? []) {
    if (!HUB_STATUSES.includes(o.hubStatus as HubStatus)) problems.push(`outbound: ${o.hubStatus} is not an incident status`);
    else if (!o.itsmState.trim()) problems.push(`outbound: the ticket state for ${o.hubStatus} is empty`);
    else mapping.outbound[o.hubStatus as HubStatus] = o.itsmState.trim();
  }
  if (given?.inbound) {
    // The inbound list replaces the default one: a customer may want fewer states to count as consent.
    mapping.inbound = {};
    for (const i of given.inbound) {
      if (!i.itsmState.trim()) problems.push('inbound: a ticket state is empty');
      else mapping.inbound[i.itsmState.trim()] = i.action;
    }
  }
  for (const p of given?.priorities ?? []) {
    if (!HUB_SEVERITIES.includes(p.severity as HubSeverity)) problems.push(`priorities: ${p.severity} is not a severity`);
    else if (!Number.isInteger(p.priority) || p.priority < 1 || p.priority > 5) problems.push(`priorities: ${p.severity} needs 1 to 5`);
    else mapping.priorities[p.severity as HubSeverity] = p.priority;
  }
  return { mapping, problems };
}

/** One timeline entry of the hub, as the sync sees it. */
export interface HubChange {
  type: string;
  actor: string;
  message: string;
  toStatus: string | null;
  details: Record<string, unknown> | null;
}

export type OutboundItem =
  | {
      kind: 'CREATE';
      ticket: {
        shortDescription: string;
        description: string | null;
        priority: number;
        state: string;
        configurationItem: string | null;
        correlationId: string;
      };
    }
  | { kind: 'PATCH'; patch: { state?: string; priority?: number } }
  | { kind: 'COMMENT'; body: string };

/**
 * What one hub timeline entry sends to the ticket. An entry made by the connector itself (a change that came
 * from the ITSM) sends nothing: that is the echo suppression on the hub side.
 */
export function outboundFor(
  change: HubChange,
  incident: {
    id: string;
    summary: string;
    description: string | null;
    severity: HubSeverity;
    status: HubStatus;
    deviceSerial: string | null;
  },
  mapping: ItsmMapping,
  connectorActorLabel: string,
): OutboundItem[] {
  if (change.actor === connectorActorLabel) return [];
  switch (change.type) {
    case 'REPORTED':
      return [
        {
          kind: 'CREATE',
          ticket: {
            shortDescription: incident.summary.slice(0, 160),
            description: incident.description,
            priority: mapping.priorities[incident.severity],
            state: mapping.outbound[incident.status],
            configurationItem: incident.deviceSerial,
            correlationId: incident.id,
          },
        },
      ];
    case 'STATUS_CHANGED': {
      const to = change.toStatus as HubStatus | null;
      if (!to || !mapping.outbound[to]) return [];
      return [
        { kind: 'PATCH', patch: { state: mapping.outbound[to] } },
        { kind: 'COMMENT', body: `Service hub: ${change.message}` },
      ];
    }
    case 'SEVERITY_CHANGED': {
      const to = (change.details?.to as HubSeverity | undefined) ?? incident.severity;
      const priority = mapping.priorities[to] ?? mapping.priorities[incident.severity];
      return [
        { kind: 'PATCH', patch: { priority } },
        { kind: 'COMMENT', body: `Service hub: ${change.message}` },
      ];
    }
    case 'PROGRESS_POSTED':
    case 'DIAGNOSIS_RECORDED':
      return [{ kind: 'COMMENT', body: `Service hub: ${change.message}` }];
    default:
      return [];
  }
}

/** The RMA and loaner facts of an incident, as a comment on its ticket. */
export function rmaFactComment(eventType: string, payload: Record<string, unknown>): string | null {
  const rma = typeof payload.rmaNumber === 'string' ? payload.rmaNumber : null;
  const facts: string[] = [];
  for (const key of ['serialNumber', 'disposition', 'loanerSerialNumber', 'model', 'deadline', 'toCentreCode', 'validUntil', 'reason']) {
    const v = payload[key];
    if (typeof v === 'string' || typeof v === 'number') facts.push(`${key} ${v}`);
  }
  const words = eventType.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `Service hub: ${words}${rma ? ` (RMA ${rma})` : ''}${facts.length ? `: ${facts.join(', ')}` : ''}`;
}

/** One entry of the ITSM's change journal (or one change pushed to the inbound endpoint). */
export interface TicketChange {
  seq: number | null;
  ticketNumber: string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  changedBy: string;
}

export type InboundDecision =
  | { kind: 'ECHO' }
  | { kind: 'IGNORE'; reason: string }
  | { kind: 'COMMENT'; text: string }
  | { kind: 'CONFIRM_CLOSURE'; state: string }
  | { kind: 'REOPEN'; state: string };

/**
 * What a ticket change does in the hub. A change written by the hub's own integration user is the echo of
 * something the hub sent (ITSM side of the echo suppression); comments become customer comments; a state the
 * mapping names becomes a closure confirmation or a reopen; a reopen only applies to a restored incident.
 */
export function inboundDecision(
  change: TicketChange,
  context: { integrationUser: string; mapping: ItsmMapping; hubStatus: HubStatus },
): InboundDecision {
  if (change.changedBy === context.integrationUser) return { kind: 'ECHO' };
  if (change.field === 'comment') {
    const text = change.newValue?.trim();
    return text ? { kind: 'COMMENT', text } : { kind: 'IGNORE', reason: 'empty comment' };
  }
  if (change.field !== 'state' || !change.newValue) return { kind: 'IGNORE', reason: `field ${change.field} is not synced` };
  const action = context.mapping.inbound[change.newValue];
  if (!action || action === 'IGNORE') return { kind: 'IGNORE', reason: `ticket state ${change.newValue} has no action in the hub` };
  if (context.hubStatus === 'CLOSED' || context.hubStatus === 'CANCELLED')
    return { kind: 'IGNORE', reason: `the incident is already ${context.hubStatus}` };
  if (action === 'REOPEN')
    return context.hubStatus === 'RESTORED'
      ? { kind: 'REOPEN', state: change.newValue }
      : { kind: 'IGNORE', reason: `the incident is ${context.hubStatus}, not restored: nothing to reopen` };
  return { kind: 'CONFIRM_CLOSURE', state: change.newValue };
}

/** Exponential backoff with jitter in the upper half, capped (as webhooks retry). */
export function syncRetryDelayMs(attempt: number, baseMs: number, maxMs: number, jitter = Math.random()): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + (full / 2) * jitter);
}
