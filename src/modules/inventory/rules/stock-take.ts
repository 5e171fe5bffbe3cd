/**
 * A stock-take line compares the book quantity (on hand in the system when the
 * count was recorded) with what was counted. Small differences are corrected at
 * once; a large one (more than `maxUnits` units, or more than `maxPercent` % of
 * the book quantity) waits for an operator's approval, since it usually means
 * a booking error or loss that someone must look into.
 */
export interface StockTakeThreshold {
  readonly maxUnits: number;
  readonly maxPercent: number;
}

export const DEFAULT_STOCK_TAKE_THRESHOLD: StockTakeThreshold = { maxUnits: 5, maxPercent: 10 };

export type StockTakeLineOutcome = 'MATCHED' | 'ADJUST' | 'NEEDS_APPROVAL';

export interface StockTakeLineDecision {
  readonly difference: number;
  readonly outcome: StockTakeLineOutcome;
  /** Why approval is needed: a large difference, or fewer units counted than are promised to reservations. */
  readonly approvalReason?: 'OVER_THRESHOLD' | 'BELOW_RESERVED';
}

export function decideStockTakeLine(
  bookQuantity: number,
  countedQuantity: number,
  threshold: StockTakeThreshold = DEFAULT_STOCK_TAKE_THRESHOLD,
  reserved = 0,
): StockTakeLineDecision {
  if (!Number.isInteger(bookQuantity) || bookQuantity < 0)
    throw new RangeError(`bookQuantity must be a non-negative integer, got ${bookQuantity}`);
  if (!Number.isInteger(countedQuantity) || countedQuantity < 0)
    throw new RangeError(`countedQuantity must be a non-negative integer, got ${countedQuantity}`);
  const difference = countedQuantity - bookQuantity;
  if (difference === 0) return { difference, outcome: 'MATCHED' };
  const units = Math.abs(difference);
  // Stock found where the books say there is none is always worth a second look.
  const overPercent = bookQuantity === 0 || (units * 100) / bookQuantity > threshold.maxPercent;
  if (units > threshold.maxUnits || overPercent) return { difference, outcome: 'NEEDS_APPROVAL', approvalReason: 'OVER_THRESHOLD' };
  // Booking it would leave reservations uncovered (available < 0): someone must release or re-source them first.
  if (countedQuantity < reserved) return { difference, outcome: 'NEEDS_APPROVAL', approvalReason: 'BELOW_RESERVED' };
  return { difference, outcome: 'ADJUST' };
}
