/** Server-side request forgery guard for webhook URLs: which addresses a target may resolve to. */
import ipaddr from 'ipaddr.js';

export type TargetCheck = { ok: true } | { ok: false; reason: string };

export function checkTargetUrl(raw: string): TargetCheck & { url?: URL } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a valid absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'only http and https URLs are allowed' };
  if (url.username || url.password)
    return { ok: false, reason: 'credentials in the URL are not allowed (the signature authenticates the hub)' };
  return { ok: true, url };
}

/**
 * Only public unicast addresses, unless their range is allowed by configuration
 * (WEBHOOK_ALLOW_TARGET_RANGES, ipaddr.js range names such as loopback, private, linkLocal, uniqueLocal).
 */
export function checkTargetAddress(address: string, allowedRanges: readonly string[]): TargetCheck {
  if (!ipaddr.isValid(address)) return { ok: false, reason: `not an IP address: ${address}` };
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range === 'unicast' || allowedRanges.includes(range)) return { ok: true };
  return {
    ok: false,
    reason: `${address} is a ${range} address; webhook targets must be public (WEBHOOK_ALLOW_TARGET_RANGES allows others)`,
  };
}
