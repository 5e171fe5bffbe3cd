/**
 * Hold times and delivery times are ISO-8601 durations (PT2H, P1D). Years and
 * months are refused: they have no fixed length, and a delivery time that
 * changes with the calendar month could not be compared across depots.
 */
import { Duration } from 'luxon';

export type DurationCheck =
  { ok: true; ms: number; iso: string } | { ok: false; reason: 'UNPARSEABLE' | 'NOT_POSITIVE' | 'UNSUPPORTED_UNIT' };

export function checkDuration(text: string): DurationCheck {
  const duration = Duration.fromISO(text.trim());
  if (!duration.isValid) return { ok: false, reason: 'UNPARSEABLE' };
  if (duration.years !== 0 || duration.quarters !== 0 || duration.months !== 0) return { ok: false, reason: 'UNSUPPORTED_UNIT' };
  const ms = duration.toMillis();
  if (!Number.isFinite(ms) || ms <= 0) return { ok: false, reason: 'NOT_POSITIVE' };
  return { ok: true, ms, iso: text.trim() };
}

export const durationMinutes = (ms: number): number => Math.ceil(ms / 60_000);
