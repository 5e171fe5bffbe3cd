/**
 * Incident lifecycle. The table is the single source of truth for which moves
 * are legal and which SLA clocks each move affects, so the service layer never
 * hard-codes "if status === …" rules of its own.
 */
import { ClockKind } from '../../sla/rules/sla-clock';
import { Result, err, ok } from '../../sla/rules/result';

export const INCIDENT_STATUSES = [
  'NEW',
  'ACKNOWLEDGED',
  'IN_PROGRESS',
  'ON_SITE',
  'AWAITING_PARTS',
  'AWAITING_CUSTOMER',
  'RESTORED',
  'CLOSED',
  'CANCELLED',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const TERMINAL_STATUSES: readonly IncidentStatus[] = ['CLOSED', 'CANCELLED'];

/** States in which the provider is working the fault; AWAITING_CUSTOMER can be entered from and left to these. */
export const ACTIVE_STATUSES: readonly IncidentStatus[] = ['ACKNOWLEDGED', 'IN_PROGRESS', 'ON_SITE', 'AWAITING_PARTS'];

/**
 * Beyond the happy path NEW→ACKNOWLEDGED→IN_PROGRESS→ON_SITE→AWAITING_PARTS→RESTORED→CLOSED:
 * - ACKNOWLEDGED→ON_SITE: an engineer can be dispatched straight after acknowledging.
 * - IN_PROGRESS→RESTORED / ON_SITE→RESTORED: most faults are fixed remotely or
 *   on the first visit, without waiting for parts.
 * - ON_SITE→IN_PROGRESS, AWAITING_PARTS→IN_PROGRESS/ON_SITE: engineers leave
 *   and come back, parts arrive.
 * - RESTORED→IN_PROGRESS: reopen (restore clock resumes).
 * - RESTORED→CANCELLED is allowed because RESTORED is not terminal (e.g. the
 *   ticket turns out to be a duplicate before the customer confirms).
 * - NEW cannot wait on the customer: the ticket has to be acknowledged first,
 *   otherwise the response clock could be parked indefinitely.
 */
const TRANSITIONS: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  NEW: ['ACKNOWLEDGED', 'CANCELLED'],
  ACKNOWLEDGED: ['IN_PROGRESS', 'ON_SITE', 'AWAITING_CUSTOMER', 'CANCELLED'],
  IN_PROGRESS: ['ON_SITE', 'AWAITING_PARTS', 'AWAITING_CUSTOMER', 'RESTORED', 'CANCELLED'],
  ON_SITE: ['IN_PROGRESS', 'AWAITING_PARTS', 'AWAITING_CUSTOMER', 'RESTORED', 'CANCELLED'],
  AWAITING_PARTS: ['IN_PROGRESS', 'ON_SITE', 'AWAITING_CUSTOMER', 'RESTORED', 'CANCELLED'],
  AWAITING_CUSTOMER: ['ACKNOWLEDGED', 'IN_PROGRESS', 'ON_SITE', 'AWAITING_PARTS', 'CANCELLED'],
  RESTORED: ['IN_PROGRESS', 'CLOSED', 'CANCELLED'],
  CLOSED: [],
  CANCELLED: [],
};

export function allowedTransitions(from: IncidentStatus): readonly IncidentStatus[] {
  return TRANSITIONS[from];
}

export function isTerminal(status: IncidentStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export interface TransitionContext {
  /** The customer confirmed the restoration; without it an incident cannot be closed. */
  readonly customerConsent?: boolean;
}

export type TransitionError =
  | {
      readonly code: 'INVALID_TRANSITION';
      readonly from: IncidentStatus;
      readonly to: IncidentStatus;
      readonly allowed: readonly IncidentStatus[];
    }
  | { readonly code: 'CUSTOMER_CONSENT_REQUIRED'; readonly from: IncidentStatus; readonly to: 'CLOSED' };

export interface Transition {
  readonly from: IncidentStatus;
  readonly to: IncidentStatus;
  readonly clockEffects: readonly ClockEffect[];
}

export function assertTransition(
  from: IncidentStatus,
  to: IncidentStatus,
  context: TransitionContext = {},
): Result<Transition, TransitionError> {
  const allowed = TRANSITIONS[from];
  if (!allowed.includes(to)) return err({ code: 'INVALID_TRANSITION', from, to, allowed });
  if (to === 'CLOSED' && context.customerConsent !== true) return err({ code: 'CUSTOMER_CONSENT_REQUIRED', from, to });
  return ok({ from, to, clockEffects: clockEffects(from, to) });
}

export type ClockAction = 'STOP' | 'PAUSE' | 'RESUME' | 'REOPEN' | 'CANCEL';

export interface ClockEffect {
  readonly clock: ClockKind;
  readonly action: ClockAction;
}

/** All three clocks start when the incident is created (status NEW). */
export const CLOCKS_STARTED_ON_CREATE: readonly ClockKind[] = ['RESPONSE', 'ON_SITE', 'RESTORE'];

/**
 * Clock effects of a (legal) transition. Effects are idempotent in intent:
 * the caller applies STOP only to clocks still running, so e.g. returning to
 * ON_SITE a second time changes nothing.
 *
 * - Only the restore clock pauses for AWAITING_CUSTOMER: the response clock is
 *   already stopped (ACKNOWLEDGED precedes it) and the on-site promise is
 *   about dispatch, which the customer's homework does not block.
 * - RESTORED also stops a still-running ON_SITE clock: a remote fix makes the
 *   visit unnecessary, so the on-site target is satisfied, not missed.
 * - CANCELLED voids every clock that is still running.
 */
export function clockEffects(from: IncidentStatus, to: IncidentStatus): ClockEffect[] {
  const effects: ClockEffect[] = [];
  if (from === 'AWAITING_CUSTOMER' && to !== 'CANCELLED') effects.push({ clock: 'RESTORE', action: 'RESUME' });
  switch (to) {
    case 'ACKNOWLEDGED':
      effects.push({ clock: 'RESPONSE', action: 'STOP' });
      break;
    case 'ON_SITE':
      effects.push({ clock: 'ON_SITE', action: 'STOP' });
      break;
    case 'AWAITING_CUSTOMER':
      effects.push({ clock: 'RESTORE', action: 'PAUSE' });
      break;
    case 'RESTORED':
      effects.push({ clock: 'RESTORE', action: 'STOP' }, { clock: 'ON_SITE', action: 'STOP' });
      break;
    case 'IN_PROGRESS':
      if (from === 'RESTORED') effects.push({ clock: 'RESTORE', action: 'REOPEN' });
      break;
    case 'CANCELLED':
      effects.push({ clock: 'RESPONSE', action: 'CANCEL' }, { clock: 'ON_SITE', action: 'CANCEL' }, { clock: 'RESTORE', action: 'CANCEL' });
      break;
    default:
      break;
  }
  return effects;
}
