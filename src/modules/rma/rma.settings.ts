import { Duration } from 'luxon';
import { ConfigError } from '../../platform/config';
import type { Hub } from '../../platform/hub';
import { DEFAULT_LOANER_THRESHOLD_WORKING_DAYS } from './rules/loaner-rule';

/**
 * RMA tunables. The platform Config has no slot for module settings, so they
 * are read from the process environment here, once per hub:
 *   RMA_VALIDITY                        ISO-8601 duration, default P30D
 *   RMA_HOLD_TIMEOUT                    ISO-8601 duration, default PT1H
 *   RMA_LOANER_THRESHOLD_WORKING_DAYS   integer, default 5
 *   RMA_LOANER_RETURN_WITHIN            ISO-8601 duration, default P7D: a loaner is due back
 *                                       at its depot this long after the customer's unit is back
 * The loaner threshold can also be set per RMA (requestRma, RmaCreated), the
 * validity per approval (approveRma, RmaApproved).
 */
export class RmaSettings {
  validityMs: number;
  holdTimeoutMs: number;
  loanerThresholdWorkingDays: number;
  loanerReturnWithinMs: number;

  constructor(_hub: Hub, env: NodeJS.ProcessEnv = process.env) {
    this.validityMs = parseDuration('RMA_VALIDITY', env.RMA_VALIDITY ?? 'P30D');
    this.holdTimeoutMs = parseDuration('RMA_HOLD_TIMEOUT', env.RMA_HOLD_TIMEOUT ?? 'PT1H');
    const threshold = Number(env.RMA_LOANER_THRESHOLD_WORKING_DAYS ?? DEFAULT_LOANER_THRESHOLD_WORKING_DAYS);
    if (!Number.isInteger(threshold) || threshold < 0 || threshold > 60)
      throw new ConfigError('Invalid configuration: RMA_LOANER_THRESHOLD_WORKING_DAYS must be a whole number between 0 and 60');
    this.loanerThresholdWorkingDays = threshold;
    this.loanerReturnWithinMs = parseDuration('RMA_LOANER_RETURN_WITHIN', env.RMA_LOANER_RETURN_WITHIN ?? 'P7D');
  }
}

export function parseDuration(name: string, value: string): number {
  const ms = durationMs(value);
  if (ms === null || ms <= 0) throw new ConfigError(`Invalid configuration: ${name} must be a positive ISO-8601 duration such as P30D or PT1H`);
  return ms;
}

/** Milliseconds of an ISO-8601 duration (months and years at their luxon average length), or null. */
export function durationMs(value: string): number | null {
  const d = Duration.fromISO(value);
  return d.isValid ? d.as('milliseconds') : null;
}
