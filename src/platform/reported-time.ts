import { badInput } from './errors';

/** Clients' clocks drift; a time reported slightly in the future is tolerated, one an hour ahead is a bug. */
export const REPORTED_TIME_SKEW_MS = 5 * 60_000;

/** Whether a time a client reports as past (a fault began, a unit went out of service) lies beyond the skew tolerance. */
export function isBeyondSkew(reported: Date, now: Date): boolean {
  return reported.getTime() > now.getTime() + REPORTED_TIME_SKEW_MS;
}

/** BAD_USER_INPUT naming `field` when the reported time lies in the future beyond the skew tolerance. */
export function assertNotInFuture(reported: Date | null | undefined, field: string, now = new Date()): void {
  if (reported && isBeyondSkew(reported, now)) throw badInput(`${field} is in the future`, { field });
}
