/**
 * Server-side request forgery guard for URLs users configure (webhooks, IM robots, a customer's ITSM):
 * which addresses a target may resolve to, checked when the URL is saved and again when it is called.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
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
  if (url.username || url.password) return { ok: false, reason: 'credentials in the URL are not allowed' };
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
    reason: `${address} is a ${range} address; targets must be public (WEBHOOK_ALLOW_TARGET_RANGES allows others)`,
  };
}

/** A DNS lookup that refuses addresses outside the allowed ranges: the check and the connection use the same address. */
export function guardedLookup(allowedRanges: readonly string[]): LookupFunction {
  return ((
    hostname: string,
    options: object,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as LookupAddress[];
      for (const a of list) {
        const check = checkTargetAddress(a.address, allowedRanges);
        if (!check.ok) return callback(Object.assign(new Error(`refused target: ${check.reason}`), { code: 'ETARGETREFUSED' }), '', 0);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  }) as LookupFunction;
}

/**
 * Resolves a host name and checks every address it resolves to; null when allowed, else the reason.
 * With `allowUnresolved`, a name that does not resolve now is not refused (it is checked again when called).
 */
export function resolveAndCheck(
  hostname: string,
  allowedRanges: readonly string[],
  options: { allowUnresolved?: boolean } = {},
): Promise<string | null> {
  const literal = hostname.replace(/^\[|\]$/g, '');
  // Node connects to an IP literal without a lookup: check it here.
  if (isIP(literal)) {
    const check = checkTargetAddress(literal, allowedRanges);
    return Promise.resolve(check.ok ? null : check.reason);
  }
  return new Promise((resolve) => {
    guardedLookup(allowedRanges)(hostname, { all: true }, (err) => {
      if (!err) return resolve(null);
      if (options.allowUnresolved && err.code !== 'ETARGETREFUSED') return resolve(null);
      resolve(err.message);
    });
  });
}

/** Checks a URL a user gave (shape, then every address it resolves to now); null when allowed, else the reason. */
export async function checkTargetNow(
  raw: string,
  allowedRanges: readonly string[],
  options: { allowUnresolved?: boolean } = {},
): Promise<string | null> {
  const check = checkTargetUrl(raw);
  if (!check.ok) return check.reason;
  return resolveAndCheck(check.url!.hostname, allowedRanges, options);
}

export interface GuardedResponse {
  status: number;
  body: string;
}

/**
 * One HTTP request to a user-configured URL: only to allowed addresses (checked on the address actually
 * connected to, so a DNS answer that changed since the URL was saved is caught), no redirects followed.
 * Network failures and refusals reject; any HTTP status resolves.
 */
export function guardedRequest(
  raw: string,
  options: {
    method: string;
    headers?: Record<string, string>;
    body?: string;
    timeoutMs: number;
    allowedRanges: readonly string[];
    maxResponseBytes?: number;
  },
): Promise<GuardedResponse> {
  return new Promise((resolve, reject) => {
    const check = checkTargetUrl(raw);
    if (!check.ok) return reject(new Error(`refused target: ${check.reason}`));
    const target = check.url!;
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal)) {
      const address = checkTargetAddress(literal, options.allowedRanges);
      if (!address.ok) return reject(new Error(`refused target: ${address.reason}`));
    }
    const limit = options.maxResponseBytes ?? 1024 * 1024;
    const client = target.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const request = client.request(
      target,
      { method: options.method, headers, lookup: guardedLookup(options.allowedRanges), timeout: options.timeoutMs, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) return request.destroy(new Error(`answer larger than ${limit} bytes`));
          chunks.push(chunk);
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no response within ${options.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(options.body);
  });
}
