/**
 * Applies the second-failure rule (second-failure.ts) to the RMA history of a
 * serial number: which earlier RMAs count as qualifying failures.
 */
import { decideSecondFailure, type PriorFailure, type SecondFailureDecision } from './second-failure';
import type { RmaStatus } from './state-machine';

export interface EarlierRma {
  readonly id: string;
  readonly status: RmaStatus;
  /** When the unit failed (left service). */
  readonly failedAt: Date;
  readonly approvedAt: Date | null;
}

/**
 * An earlier RMA qualifies when the fault was accepted: it was approved and not
 * rejected afterwards. A rejected RMA (misuse, no fault found) or one never
 * approved is history, not a failure. An RMA closed as REPLACED put new hardware
 * under the serial, so earlier failures stop counting (handled by the rule).
 */
export function priorFailures(history: readonly EarlierRma[]): PriorFailure[] {
  return history.map((r) => ({
    rmaId: r.id,
    failedAt: r.failedAt,
    qualifying: r.approvedAt !== null && r.status !== 'REJECTED',
    disposition: r.status === 'REPLACED' ? 'REPLACE_WITH_NEW' : 'REPAIR',
  }));
}

export type DispositionDecision =
  SecondFailureDecision | { readonly disposition: 'REPAIR'; readonly serialNumber: string; readonly reason: 'NO_WARRANTY_ON_RECORD' };

export function decideDisposition(input: {
  readonly serialNumber: string;
  readonly failedAt: Date;
  readonly warrantyEnd: Date | null;
  readonly history: readonly EarlierRma[];
  readonly timeZone?: string;
}): DispositionDecision {
  // Without a recorded warranty end the promise cannot be checked; an operator can still decide by hand.
  if (!input.warrantyEnd) return { disposition: 'REPAIR', serialNumber: input.serialNumber, reason: 'NO_WARRANTY_ON_RECORD' };
  return decideSecondFailure({
    serialNumber: input.serialNumber,
    failedAt: input.failedAt,
    priorFailures: priorFailures(input.history),
    warrantyEnd: input.warrantyEnd,
    timeZone: input.timeZone,
  });
}
