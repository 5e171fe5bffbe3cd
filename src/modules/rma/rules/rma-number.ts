/**
 * RMA numbers: the hub issues RMA-<year>-<6+ digit sequence> from a per-year
 * counter; centres that raise RMAs themselves use their own numbers, which must
 * also be usable as a Kafka key and fit the column.
 */

export const RMA_NUMBER_PATTERN = /^[A-Z0-9][A-Z0-9-]{2,39}$/;

export const isValidRmaNumber = (value: string): boolean => RMA_NUMBER_PATTERN.test(value);

export function formatRmaNumber(year: number, sequence: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`year out of range: ${year}`);
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError(`sequence must be a positive integer: ${sequence}`);
  return `RMA-${year}-${String(sequence).padStart(6, '0')}`;
}
