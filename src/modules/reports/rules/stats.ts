/**
 * Report arithmetic, kept in one place so every report rounds and ranks the
 * same way.
 *
 * - Percentages have one decimal and are null when nothing was measured (0 of
 *   0 is not 0 % and not 100 %).
 * - Percentiles use the nearest-rank method: the p-th percentile of n sorted
 *   values is the value at rank ceil(p/100 × n). It is always one of the
 *   measured values, which is what a customer can check against the list.
 */

export function percent(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  return round((part / whole) * 100, 1);
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

export const p90 = (values: readonly number[]): number | null => percentile(values, 90);

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  // Math.round(1.005 * 100) is 100: nudge by the representation error before rounding.
  return Math.round((value + Number.EPSILON * Math.abs(value)) * f) / f;
}

export const roundOrNull = (value: number | null, digits: number): number | null => (value === null ? null : round(value, digits));

export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/** Milliseconds as hours with two decimals (report tables show hours). */
export const hours = (ms: number | null): number | null => (ms === null ? null : round(ms / HOUR_MS, 2));
export const minutes = (ms: number | null): number | null => (ms === null ? null : round(ms / MINUTE_MS, 2));
