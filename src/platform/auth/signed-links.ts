import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Hub } from '../hub';

/** The query parameter a signed link carries: `<keyId>.<expires, epoch s>.<hmac>`. */
export const LINK_PARAM = 'link';

/**
 * Short-lived links that stand for an API key without containing it, for pages a browser opens
 * directly (printable reports): the link names the key's id, an expiry and an HMAC over the path
 * and query, so it opens that one page until it expires or the key is revoked. Routes opt in with
 * `allowPrefix`; the `signLink` mutation refuses other paths.
 */
export class SignedLinks {
  private readonly secret: Buffer;
  private readonly prefixes = new Set<string>();
  readonly ttlSeconds: number;

  constructor(hub: Hub) {
    // A random secret serves one instance; several behind a balancer share LINK_SIGNING_SECRET.
    this.secret = hub.config.links.signingSecret ? Buffer.from(hub.config.links.signingSecret) : randomBytes(32);
    this.ttlSeconds = hub.config.links.ttlSeconds;
  }

  allowPrefix(prefix: string): void {
    this.prefixes.add(prefix);
  }

  isSignable(pathAndQuery: string): boolean {
    const path = pathAndQuery.split('?')[0];
    return !path.includes('..') && [...this.prefixes].some((prefix) => path.startsWith(prefix));
  }

  sign(keyId: string, pathAndQuery: string, now = Date.now()): { url: string; expiresAt: Date } {
    const url = new URL(pathAndQuery, 'http://hub.invalid');
    url.searchParams.delete(LINK_PARAM);
    const expires = Math.floor(now / 1000) + this.ttlSeconds;
    url.searchParams.append(LINK_PARAM, `${keyId}.${expires}.${this.mac(keyId, expires, url)}`);
    return { url: `${url.pathname}${url.search}`, expiresAt: new Date(expires * 1000) };
  }

  /** The key id a link was signed for, or null (absent, altered, expired). */
  verify(pathAndQuery: string, now = Date.now()): string | null {
    const url = new URL(pathAndQuery, 'http://hub.invalid');
    const value = url.searchParams.get(LINK_PARAM);
    const match = value ? /^([A-Za-z0-9-]{1,64})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value) : null;
    if (!match) return null;
    const [, keyId, expiresText, mac] = match;
    const expires = Number(expiresText);
    if (expires * 1000 <= now) return null;
    url.searchParams.delete(LINK_PARAM);
    const expected = Buffer.from(this.mac(keyId, expires, url));
    const actual = Buffer.from(mac);
    return expected.length === actual.length && timingSafeEqual(expected, actual) ? keyId : null;
  }

  private mac(keyId: string, expires: number, url: URL): string {
    const params = [...url.searchParams].sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a.localeCompare(b)));
    const canonical = `${keyId}\n${expires}\n${url.pathname}\n${new URLSearchParams(params).toString()}`;
    return createHmac('sha256', this.secret).update(canonical).digest('base64url');
  }
}
