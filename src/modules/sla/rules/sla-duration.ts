/**
 * SLA targets are written as ISO-8601 durations (PT30M, PT4H, P1D …). We keep
 * the day part apart from the clock part because their meaning depends on the
 * coverage (see business-time.ts): in 7x24 a day is 24 h, in business hours a
 * day is one working day.
 */
import { Duration } from 'luxon';
import { Result, err, ok } from './result';

export interface SlaDuration {
  /** The ISO-8601 text, for display and storage. */
  readonly iso: string;
  /** Day units (may be fractional). */
  readonly days: number;
  /** Hours, minutes, seconds and milliseconds, as milliseconds. */
  readonly timeMs: number;
}

export type DurationErrorReason =
  | 'UNPARSEABLE'
  | 'NEGATIVE'
  | 'NOT_FINITE'
  // Years, months and weeks have no fixed length in covered time (is a
  // business-hours week 5 or 7 working days?); contracts state SLA targets in
  // days, hours and minutes, so we refuse to guess.
  | 'UNSUPPORTED_UNIT';

export interface DurationError {
  readonly code: 'INVALID_DURATION';
  readonly input: string;
  readonly reason: DurationErrorReason;
}

/** For the few call sites where a bad duration is a programming error, not user input. */
export class InvalidDurationError extends Error {
  readonly code = 'INVALID_DURATION' as const;
  constructor(readonly detail: DurationError) {
    super(`Invalid SLA duration ${JSON.stringify(detail.input)}: ${detail.reason}`);
    this.name = 'InvalidDurationError';
  }
}

export type DurationInput = string | Duration | SlaDuration;

function isSlaDuration(x: DurationInput): x is SlaDuration {
  return typeof x === 'object' && !(x instanceof Duration) && 'timeMs' in x;
}

export function parseSlaDuration(input: DurationInput): Result<SlaDuration, DurationError> {
  if (isSlaDuration(input)) {
    return Number.isFinite(input.days) && Number.isFinite(input.timeMs)
      ? input.days < 0 || input.timeMs < 0
        ? err({ code: 'INVALID_DURATION', input: input.iso, reason: 'NEGATIVE' })
        : ok(input)
      : err({ code: 'INVALID_DURATION', input: input.iso, reason: 'NOT_FINITE' });
  }
  const text = typeof input === 'string' ? input.trim() : input.isValid ? (input.toISO() ?? String(input)) : String(input.invalidReason);
  const d = typeof input === 'string' ? Duration.fromISO(text) : input;
  if (!d.isValid) return err({ code: 'INVALID_DURATION', input: text, reason: 'UNPARSEABLE' });
  const o = d.toObject();
  const units = Object.keys(o) as (keyof typeof o)[];
  // Luxon accepts the bare designators 'P' / 'PT', which ISO 8601 does not.
  if (units.length === 0) return err({ code: 'INVALID_DURATION', input: text, reason: 'UNPARSEABLE' });
  for (const u of units) {
    const v = o[u] ?? 0;
    if (!Number.isFinite(v)) return err({ code: 'INVALID_DURATION', input: text, reason: 'NOT_FINITE' });
    if (v < 0) return err({ code: 'INVALID_DURATION', input: text, reason: 'NEGATIVE' });
  }
  if ((o.years ?? 0) || (o.quarters ?? 0) || (o.months ?? 0) || (o.weeks ?? 0)) {
    return err({ code: 'INVALID_DURATION', input: text, reason: 'UNSUPPORTED_UNIT' });
  }
  const timeMs = Math.round((o.hours ?? 0) * 3_600_000 + (o.minutes ?? 0) * 60_000 + (o.seconds ?? 0) * 1000 + (o.milliseconds ?? 0));
  return ok({ iso: text, days: o.days ?? 0, timeMs });
}

export function parseSlaDurationOrThrow(input: DurationInput): SlaDuration {
  const r = parseSlaDuration(input);
  if (!r.ok) throw new InvalidDurationError(r.error);
  return r.value;
}
