/**
 * The ledger's invariant: no movement takes a line's onHand, reserved or
 * available (onHand - reserved) below zero.
 */
export interface LineCounts {
  readonly onHand: number;
  readonly reserved: number;
}

/** The counts a movement leaves on its line, or null when the line cannot take it. */
export function countsAfterMove(line: LineCounts, delta: LineCounts): LineCounts | null {
  const onHand = line.onHand + delta.onHand;
  const reserved = line.reserved + delta.reserved;
  return onHand >= 0 && reserved >= 0 && onHand - reserved >= 0 ? { onHand, reserved } : null;
}
