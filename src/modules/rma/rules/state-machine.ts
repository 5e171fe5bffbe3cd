/**
 * RMA lifecycle. The table is the one place that says which event moves an
 * RMA from which status to which; the applicability rule (applicability.ts)
 * and the service both read it.
 *
 *   REQUESTED → APPROVED → (ADVANCE_REPLACEMENT_SHIPPED) → AWAITING_DEFECTIVE_RETURN
 *             → RECEIVED → IN_REPAIR → REPAIRED → RETURNED_TO_CUSTOMER
 *   or REPLACED, REJECTED, EXPIRED.
 *
 * Interpretation of the optional step: APPROVED is where an RMA waits for the
 * defective unit when no advance replacement is sent. ADVANCE_REPLACEMENT_SHIPPED
 * is a step, recorded in the timeline, that settles at once into
 * AWAITING_DEFECTIVE_RETURN: the customer now has a working unit and owes the
 * defective one. Both waiting states are subject to the validity window.
 */

export const RMA_STATUSES = [
  'REQUESTED',
  'APPROVED',
  'ADVANCE_REPLACEMENT_SHIPPED',
  'AWAITING_DEFECTIVE_RETURN',
  'RECEIVED',
  'IN_REPAIR',
  'REPAIRED',
  'RETURNED_TO_CUSTOMER',
  'REPLACED',
  'REJECTED',
  'EXPIRED',
] as const;
export type RmaStatus = (typeof RMA_STATUSES)[number];

export const TERMINAL_RMA_STATUSES: readonly RmaStatus[] = ['RETURNED_TO_CUSTOMER', 'REPLACED', 'REJECTED', 'EXPIRED'];
export const isTerminal = (status: RmaStatus): boolean => TERMINAL_RMA_STATUSES.includes(status);

/** Approved, but the defective unit is not back yet: the validity window runs. */
export const AWAITING_RETURN_STATUSES: readonly RmaStatus[] = ['APPROVED', 'AWAITING_DEFECTIVE_RETURN'];

/**
 * Position along the main line, so "this event needs a state the RMA has not
 * reached yet" (hold it) can be told from "the RMA is already past it" (refuse).
 * Terminal states share the last rank.
 */
export const STATUS_RANK: Readonly<Record<RmaStatus, number>> = {
  REQUESTED: 0,
  APPROVED: 1,
  ADVANCE_REPLACEMENT_SHIPPED: 2,
  AWAITING_DEFECTIVE_RETURN: 3,
  RECEIVED: 4,
  IN_REPAIR: 5,
  REPAIRED: 6,
  RETURNED_TO_CUSTOMER: 7,
  REPLACED: 7,
  REJECTED: 7,
  EXPIRED: 7,
};

/** Triggers that move the status: the inbound event types that do, plus the hub's own expiry. */
export const STATUS_TRIGGERS = [
  'RmaApproved',
  'RmaRejected',
  'AdvanceReplacementShipped',
  'DefectiveReceived',
  'RepairStarted',
  'RepairCompleted',
  'UnitReturned',
  'UnitReplaced',
  'Expire',
] as const;
export type StatusTrigger = (typeof STATUS_TRIGGERS)[number];

export interface Transition {
  readonly from: readonly RmaStatus[];
  /** The status the event records. */
  readonly to: RmaStatus;
  /** Where the RMA rests afterwards when `to` is only a step. */
  readonly settlesIn?: RmaStatus;
}

/**
 * Beyond the main line:
 * - rejection is possible until repair starts (an inspection on receipt may find misuse);
 * - a unit is replaced (rather than repaired) once the defective one is back, at any
 *   point of its repair: the closing event needs the defective unit in hand so an RMA
 *   cannot close before its return is recorded;
 * - expiry is the hub's own trigger when the validity window passes while waiting.
 */
export const TRANSITIONS: Readonly<Record<StatusTrigger, Transition>> = {
  RmaApproved: { from: ['REQUESTED'], to: 'APPROVED' },
  RmaRejected: { from: ['REQUESTED', 'APPROVED', 'AWAITING_DEFECTIVE_RETURN', 'RECEIVED'], to: 'REJECTED' },
  AdvanceReplacementShipped: { from: ['APPROVED'], to: 'ADVANCE_REPLACEMENT_SHIPPED', settlesIn: 'AWAITING_DEFECTIVE_RETURN' },
  DefectiveReceived: { from: ['APPROVED', 'AWAITING_DEFECTIVE_RETURN'], to: 'RECEIVED' },
  RepairStarted: { from: ['RECEIVED'], to: 'IN_REPAIR' },
  RepairCompleted: { from: ['IN_REPAIR'], to: 'REPAIRED' },
  UnitReturned: { from: ['REPAIRED'], to: 'RETURNED_TO_CUSTOMER' },
  UnitReplaced: { from: ['RECEIVED', 'IN_REPAIR', 'REPAIRED'], to: 'REPLACED' },
  Expire: { from: ['APPROVED', 'AWAITING_DEFECTIVE_RETURN'], to: 'EXPIRED' },
};

export const isStatusTrigger = (type: string): type is StatusTrigger => (STATUS_TRIGGERS as readonly string[]).includes(type);

export type TransitionResult =
  | { readonly ok: true; readonly from: RmaStatus; readonly to: RmaStatus; readonly restsIn: RmaStatus }
  | { readonly ok: false; readonly from: RmaStatus; readonly trigger: StatusTrigger; readonly allowedFrom: readonly RmaStatus[] };

export function transition(current: RmaStatus, trigger: StatusTrigger): TransitionResult {
  const t = TRANSITIONS[trigger];
  if (!t.from.includes(current)) return { ok: false, from: current, trigger, allowedFrom: t.from };
  return { ok: true, from: current, to: t.to, restsIn: t.settlesIn ?? t.to };
}

/** Statuses reachable from `status` by any trigger (used to show operators what can happen next). */
export function nextStatuses(status: RmaStatus): RmaStatus[] {
  const out = new Set<RmaStatus>();
  for (const trigger of STATUS_TRIGGERS) {
    const r = transition(status, trigger);
    if (r.ok) out.add(r.restsIn);
  }
  return [...out];
}

/** The customer has a working unit again: the repair clock (and the loaner promise) stops. */
export const RESTORING_TRIGGERS: readonly StatusTrigger[] = ['AdvanceReplacementShipped', 'UnitReturned', 'UnitReplaced'];
