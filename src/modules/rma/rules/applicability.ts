/**
 * What to do with an RMA event, given the RMA as it stands: apply it, record it
 * as a late fact, hold it until the RMA reaches the state it needs, or refuse it.
 *
 * Events from support centres arrive twice, late and out of order. Exactly-once
 * is handled before this rule (by eventId); this rule keeps the order right:
 * - an event that needs a state the RMA has not reached yet is HELD, and tried
 *   again after every change of that RMA (so DefectiveReceived waits for
 *   RmaApproved, and everything waits for RmaCreated);
 * - an event for a state the RMA is already past is REFUSED (a contradiction or a
 *   replay under a new eventId), except a step that simply arrived after a step
 *   that followed it: it does not close the RMA, its occurredAt is before the
 *   RMA's last status change and it was never recorded, so it is RECORDED_LATE
 *   (timeline and all its facts, no status change) instead of being lost. So
 *   the same events leave the same record whatever their arrival order;
 * - events from a centre not on the RMA's escalation path are refused, and only
 *   the assigned centre (or one above it) may escalate.
 */
import { ancestorIds, escalationPath, type CentreNode } from '../../support-network/rules/hierarchy';
import { isEntitled, mayCreateFor } from './entitlement';
import { isStatusTrigger, isTerminal, STATUS_RANK, TRANSITIONS, type RmaStatus } from './state-machine';

export const INBOUND_EVENT_TYPES = [
  'RmaCreated',
  'RmaApproved',
  'RmaRejected',
  'AdvanceReplacementShipped',
  'DefectiveReceived',
  'RepairStarted',
  'RepairCompleted',
  'UnitReturned',
  'UnitReplaced',
  'RmaEscalated',
  'LoanerDelivered',
] as const;
export type InboundEventType = (typeof INBOUND_EVENT_TYPES)[number];
export const isInboundEventType = (t: string): t is InboundEventType => (INBOUND_EVENT_TYPES as readonly string[]).includes(t);

export type Disposition = 'REPAIR' | 'REPLACE_WITH_NEW';

/** Steps that may be reported after a step that followed them: every step that does not close the RMA. */
export const LATE_RECORDABLE: readonly InboundEventType[] = [
  'RmaApproved',
  'AdvanceReplacementShipped',
  'DefectiveReceived',
  'RepairStarted',
  'RepairCompleted',
];

/** Under REPLACE_WITH_NEW (second failure in warranty) the unit must not be repaired. */
const REPAIR_EVENTS: readonly InboundEventType[] = ['RepairStarted', 'RepairCompleted', 'UnitReturned'];

export interface RmaSnapshot {
  readonly status: RmaStatus;
  readonly disposition: Disposition;
  readonly centreId: string;
  readonly originCentreId: string;
  /** occurredAt of the event that set the current status. */
  readonly statusChangedAt: Date;
  /** Event types already recorded on this RMA (from its timestamps). */
  readonly recorded: readonly InboundEventType[];
}

export type Actor = { readonly kind: 'centre'; readonly centreId: string } | { readonly kind: 'hub' };

export interface EventFacts {
  readonly type: InboundEventType;
  readonly occurredAt: Date;
  readonly actor: Actor;
  /** RmaEscalated: the centre named as target, if any (resolved to an id). */
  readonly escalateToCentreId?: string | null;
  /** RmaCreated: the centre the RMA is raised for (resolved to an id). */
  readonly createForCentreId?: string | null;
}

export type RefusalCode = 'NOT_ENTITLED' | 'INVALID_TRANSITION' | 'DUPLICATE' | 'POLICY';

export type Decision =
  | { readonly kind: 'APPLY' }
  | { readonly kind: 'RECORD_LATE' }
  | { readonly kind: 'HOLD'; readonly waitingFor: string }
  | { readonly kind: 'REFUSE'; readonly code: RefusalCode; readonly reason: string };

const refuse = (code: RefusalCode, reason: string): Decision => ({ kind: 'REFUSE', code, reason });

export function decide(rma: RmaSnapshot | null, event: EventFacts, network: readonly CentreNode[]): Decision {
  if (!rma) {
    if (event.type !== 'RmaCreated') return { kind: 'HOLD', waitingFor: 'RmaCreated' };
    if (event.actor.kind === 'centre') {
      const forCentre = event.createForCentreId ?? event.actor.centreId;
      if (!mayCreateFor(network, event.actor.centreId, forCentre))
        return refuse('NOT_ENTITLED', 'a centre may raise an RMA only for itself or a centre below it');
    }
    return { kind: 'APPLY' };
  }
  if (event.type === 'RmaCreated') return refuse('DUPLICATE', 'an RMA with this number already exists');
  if (event.actor.kind === 'centre' && !isEntitled(network, event.actor.centreId, rma))
    return refuse('NOT_ENTITLED', "the sending centre is not on the RMA's escalation path");

  if (event.type === 'RmaEscalated') return decideEscalation(rma, event, network);
  if (event.type === 'LoanerDelivered') {
    return rma.recorded.includes('LoanerDelivered') ? refuse('DUPLICATE', 'the loaner delivery is already recorded') : { kind: 'APPLY' };
  }
  if (!isStatusTrigger(event.type)) return refuse('INVALID_TRANSITION', `${event.type} does not apply to an existing RMA`);

  if (rma.disposition === 'REPLACE_WITH_NEW' && REPAIR_EVENTS.includes(event.type))
    return refuse('POLICY', 'the RMA is a second failure in warranty: the unit must be replaced with a new one, not repaired');

  const t = TRANSITIONS[event.type];
  if (t.from.includes(rma.status)) return { kind: 'APPLY' };
  if (
    LATE_RECORDABLE.includes(event.type) &&
    !rma.recorded.includes(event.type) &&
    STATUS_RANK[rma.status] >= STATUS_RANK[t.to] &&
    event.occurredAt.getTime() <= rma.statusChangedAt.getTime()
  )
    return { kind: 'RECORD_LATE' };
  if (isTerminal(rma.status)) return refuse('INVALID_TRANSITION', `the RMA is closed (${rma.status})`);
  const needsLater = Math.max(...t.from.map((s) => STATUS_RANK[s])) > STATUS_RANK[rma.status];
  if (needsLater) return { kind: 'HOLD', waitingFor: t.from.join(' or ') };
  return refuse('INVALID_TRANSITION', `${event.type} does not apply in status ${rma.status} (the RMA is past that step)`);
}

/**
 * An escalation moves the RMA's centre, not its status, so it is applied in
 * any open status. On a closed RMA it is applied only if it happened before
 * the closure (it arrived late, the RMA really was handled above); one after
 * the closure is refused.
 */
function decideEscalation(rma: RmaSnapshot, event: EventFacts, network: readonly CentreNode[]): Decision {
  if (isTerminal(rma.status) && event.occurredAt.getTime() > rma.statusChangedAt.getTime())
    return refuse('INVALID_TRANSITION', `the RMA is closed (${rma.status})`);
  // Escalating is the assigned centre's call (or a centre above it): the partner that raised the RMA cannot push its regional centre's work further up.
  if (event.actor.kind === 'centre' && !escalationPath(network, rma.centreId).includes(event.actor.centreId))
    return refuse('NOT_ENTITLED', 'only the centre the RMA is assigned to, or one above it, may escalate it');
  const parent = network.find((c) => c.id === rma.centreId)?.parentId ?? null;
  if (!parent) return refuse('INVALID_TRANSITION', 'the RMA is already at the top of the support network');
  const target = event.escalateToCentreId ?? parent;
  if (target === parent) return { kind: 'APPLY' };
  // Named a centre further up: an escalation in between has not arrived yet.
  if (ancestorIds(network, parent).includes(target)) return { kind: 'HOLD', waitingFor: 'the escalation to the intermediate centre' };
  return refuse('INVALID_TRANSITION', 'the target centre is not above the centre the RMA is assigned to');
}

/** Held events are retried oldest first by when they happened (then by when they arrived). */
export function replayOrder<T extends { readonly occurredAt: Date; readonly receivedAt: Date }>(held: readonly T[]): T[] {
  return [...held].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.receivedAt.getTime() - b.receivedAt.getTime());
}
