/**
 * "同一产品出现两次故障，我公司更换成新的产品": within warranty, the second
 * qualifying failure of the same unit (serial number) is not repaired again —
 * the unit is replaced with a new one, referencing the earlier RMA as the
 * justification.
 */
import { DateTime } from 'luxon';

export interface PriorFailure {
  readonly rmaId: string;
  readonly failedAt: Date;
  /**
   * Counts towards the rule: a genuine hardware fault of this unit. Misuse,
   * no-fault-found, or consumables are recorded but do not qualify.
   */
  readonly qualifying: boolean;
  /** Set when that RMA already replaced the unit; failures before a replacement belong to the old hardware. */
  readonly disposition?: 'REPAIR' | 'REPLACE_WITH_NEW';
}

export interface SecondFailureInput {
  readonly serialNumber: string;
  readonly failedAt: Date;
  /** The RMA being decided, so it is ignored if it already appears in the history. */
  readonly currentRmaId?: string;
  /** Whether the failure being decided is itself a qualifying fault (default true). */
  readonly qualifying?: boolean;
  readonly priorFailures: readonly PriorFailure[];
  /**
   * Last moment of warranty cover. A 'YYYY-MM-DD' date is inclusive: cover runs
   * to the end of that day in `timeZone` (contracts state end dates, not instants).
   */
  readonly warrantyEnd: Date | string;
  readonly timeZone?: string;
}

export type SecondFailureDecision =
  | {
      readonly disposition: 'REPLACE_WITH_NEW';
      readonly serialNumber: string;
      /** The earlier qualifying RMA that makes this the second failure. */
      readonly referenceRmaId: string;
      readonly reason: 'SECOND_QUALIFYING_FAILURE_IN_WARRANTY';
    }
  | {
      readonly disposition: 'REPAIR';
      readonly serialNumber: string;
      readonly reason: 'OUT_OF_WARRANTY' | 'NOT_QUALIFYING' | 'FIRST_QUALIFYING_FAILURE';
    };

export function decideSecondFailure(input: SecondFailureInput): SecondFailureDecision {
  const { serialNumber } = input;
  const warrantyEndMs = warrantyEndInstant(input.warrantyEnd, input.timeZone ?? 'Asia/Shanghai');
  const now = input.failedAt.getTime();
  // The rule is a warranty promise; outside warranty it is an ordinary paid repair.
  if (now > warrantyEndMs) return { disposition: 'REPAIR', serialNumber, reason: 'OUT_OF_WARRANTY' };
  if (input.qualifying === false) return { disposition: 'REPAIR', serialNumber, reason: 'NOT_QUALIFYING' };

  const history = input.priorFailures
    .filter((f) => f.rmaId !== input.currentRmaId && f.failedAt.getTime() < now)
    .sort((a, b) => a.failedAt.getTime() - b.failedAt.getTime());
  // Only failures of the current hardware count: start after the last replacement.
  const lastReplacement = history.map((f) => f.disposition).lastIndexOf('REPLACE_WITH_NEW');
  const sinceReplacement = history.slice(lastReplacement + 1);
  // Reference the most recent qualifying failure: it is the repair that evidently did not hold.
  // (Earlier than a failure inside warranty, so inside warranty as well.)
  const reference = [...sinceReplacement].reverse().find((f) => f.qualifying);
  if (!reference) return { disposition: 'REPAIR', serialNumber, reason: 'FIRST_QUALIFYING_FAILURE' };
  return {
    disposition: 'REPLACE_WITH_NEW',
    serialNumber,
    referenceRmaId: reference.rmaId,
    reason: 'SECOND_QUALIFYING_FAILURE_IN_WARRANTY',
  };
}

function warrantyEndInstant(end: Date | string, zone: string): number {
  if (end instanceof Date) return end.getTime();
  const d = DateTime.fromISO(end, { zone });
  if (!d.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(end))
    throw new RangeError(`warrantyEnd must be a Date or 'YYYY-MM-DD', got ${JSON.stringify(end)}`);
  return d.endOf('day').toMillis();
}
