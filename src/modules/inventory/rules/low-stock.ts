/**
 * Low-stock alerting for one stock line. The alert is edge-triggered: it is
 * raised when available stock drops below the reorder point and the line has
 * no open alert, and it clears only once available stock is back ABOVE the
 * point. The one-unit band at exactly the reorder point keeps a line that
 * hovers around the point from raising an alert (and a replenishment order)
 * on every reservation and release.
 */
export interface LowStockState {
  readonly available: number;
  readonly reorderPoint: number;
  readonly alertOpen: boolean;
}

export type LowStockTransition = 'RAISE' | 'CLEAR' | 'NONE';

export function lowStockTransition(s: LowStockState): LowStockTransition {
  if (!s.alertOpen && s.available < s.reorderPoint) return 'RAISE';
  if (s.alertOpen && s.available > s.reorderPoint) return 'CLEAR';
  return 'NONE';
}

/**
 * Order at least the reorder quantity, and never less than what brings the line
 * back to its reorder point (a large dispatch can take it far below).
 */
export function suggestedReorderQuantity(s: { available: number; reorderPoint: number; reorderQuantity: number }): number {
  const shortfall = s.reorderPoint - s.available;
  return Math.max(s.reorderQuantity, shortfall, 1);
}

/**
 * `lowStockTransition(...) === 'NONE'` as an SQL condition over a line's
 * columns, for the UPDATE that books a movement: the common movement then needs
 * no read-back of the line, and one that would raise or clear the alert falls
 * back to reading the locked line and applying the rule above. Arguments are
 * SQL expressions (quoted columns, or the available stock after the change).
 */
export function lowStockUnchangedSql(sql: { available: string; reorderPoint: string; alertOpen: string }): string {
  const { available, reorderPoint, alertOpen } = sql;
  return `((${alertOpen} = 0 AND ${available} >= ${reorderPoint}) OR (${alertOpen} <> 0 AND ${available} <= ${reorderPoint}))`;
}
