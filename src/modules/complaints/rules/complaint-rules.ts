/**
 * A complaint's life and its two promises. Pure: the service applies what
 * these functions decide.
 *
 *   OPEN --reply--> REPLIED --resolve--> RESOLVED --rate/close--> CLOSED
 *   OPEN --resolve--> RESOLVED (a resolution is also the first reply)
 *
 * The first-reply clock stops at the first reply (or a resolution without
 * one); the resolution clock stops at the resolution. Both run in elapsed time
 * from the filing: the complaint line is staffed around the clock.
 */
import { elapsedDurationMs } from '../../inspections/rules/deadline';

export const COMPLAINT_STATUSES = ['OPEN', 'REPLIED', 'RESOLVED', 'CLOSED'] as const;
export type ComplaintStatusValue = (typeof COMPLAINT_STATUSES)[number];

export type ComplaintAction = 'REPLY' | 'RESOLVE' | 'CLOSE' | 'RATE';

export const COMPLAINT_CLOCKS = ['FIRST_REPLY', 'RESOLUTION'] as const;
export type ComplaintClock = (typeof COMPLAINT_CLOCKS)[number];

const ALLOWED: Record<ComplaintAction, readonly ComplaintStatusValue[]> = {
  // Further replies while the case is worked are part of the conversation.
  REPLY: ['OPEN', 'REPLIED'],
  RESOLVE: ['OPEN', 'REPLIED'],
  CLOSE: ['RESOLVED'],
  // The customer may rate once the case is resolved, also after an operator closed it unrated.
  RATE: ['RESOLVED', 'CLOSED'],
};

const TARGET: Record<ComplaintAction, (from: ComplaintStatusValue) => ComplaintStatusValue> = {
  REPLY: () => 'REPLIED',
  RESOLVE: () => 'RESOLVED',
  CLOSE: () => 'CLOSED',
  RATE: () => 'CLOSED',
};

export interface ComplaintStep {
  readonly to: ComplaintStatusValue;
  /** Clocks this step stops. */
  readonly stops: readonly ComplaintClock[];
}

export type ComplaintStepError = {
  readonly code: 'INVALID_TRANSITION';
  readonly from: ComplaintStatusValue;
  readonly action: ComplaintAction;
  readonly allowedFrom: readonly ComplaintStatusValue[];
};

export function complaintStep(
  from: ComplaintStatusValue,
  action: ComplaintAction,
): { ok: true; value: ComplaintStep } | { ok: false; error: ComplaintStepError } {
  if (!ALLOWED[action].includes(from))
    return { ok: false, error: { code: 'INVALID_TRANSITION', from, action, allowedFrom: ALLOWED[action] } };
  const stops: ComplaintClock[] = [];
  if (from === 'OPEN' && (action === 'REPLY' || action === 'RESOLVE')) stops.push('FIRST_REPLY');
  if (action === 'RESOLVE') stops.push('RESOLUTION');
  return { ok: true, value: { to: TARGET[action](from), stops } };
}

export interface ComplaintTargets {
  readonly firstReply: string;
  readonly resolution: string;
}

export interface PolicyProblem {
  readonly field: 'firstReply' | 'resolution';
  readonly message: string;
}

export function validateComplaintTargets(t: ComplaintTargets): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const first = elapsedDurationMs(t.firstReply);
  const resolution = elapsedDurationMs(t.resolution);
  if (first === null) problems.push({ field: 'firstReply', message: `${t.firstReply} is not a usable ISO-8601 duration such as PT15M` });
  if (resolution === null) problems.push({ field: 'resolution', message: `${t.resolution} is not a usable ISO-8601 duration such as P2D` });
  if (first !== null && resolution !== null && resolution < first)
    problems.push({ field: 'resolution', message: 'the resolution target is shorter than the first-reply target' });
  return problems;
}

export const DEFAULT_COMPLAINT_TARGETS: ComplaintTargets = Object.freeze({ firstReply: 'PT15M', resolution: 'P2D' });
