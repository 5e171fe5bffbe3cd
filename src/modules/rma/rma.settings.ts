import { Duration } from 'luxon';
import { ConfigError } from '../../platform/config';
import type { Hub } from '../../platform/hub';

/**
 * RMA tunables from the validated configuration (RMA_VALIDITY, RMA_HOLD_TIMEOUT,
 * RMA_LOANER_THRESHOLD_WORKING_DAYS, RMA_LOANER_RETURN_WITHIN), as milliseconds.
 * The loaner threshold can also be set per RMA (requestRma, RmaCreated), the
 * validity per approval (approveRma, RmaApproved).
 */
export class RmaSettings {
  validityMs: number;
  holdTimeoutMs: number;
  loanerThresholdWorkingDays: number;
  loanerReturnWithinMs: number;

  constructor(hub: Hub) {
    const rma = hub.config.rma;
    this.validityMs = parseDuration('RMA_VALIDITY', rma.validity);
    this.holdTimeoutMs = parseDuration('RMA_HOLD_TIMEOUT', rma.holdTimeout);
    this.loanerThresholdWorkingDays = rma.loanerThresholdWorkingDays;
    this.loanerReturnWithinMs = parseDuration('RMA_LOANER_RETURN_WITHIN', rma.loanerReturnWithin);
  }
}

export function parseDuration(name: string, value: string): number {
  const ms = durationMs(value);
  if (ms === null || ms <= 0)
    throw new ConfigError(`Invalid configuration: ${name} must be a positive ISO-8601 duration such as P30D or PT1H`);
  return ms;
}

/** Milliseconds of an ISO-8601 duration (months and years at their luxon average length), or null. */
export function durationMs(value: string): number | null {
  const d = Duration.fromISO(value);
  return d.isValid ? d.as('milliseconds') : null;
}
