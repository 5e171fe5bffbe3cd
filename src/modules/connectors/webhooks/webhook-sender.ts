import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { checkTargetAddress } from './rules/target-guard';

export interface SendResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
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

/** Resolves a host name and checks every address it resolves to; null when allowed, else the reason. */
export function resolveAndCheck(hostname: string, allowedRanges: readonly string[]): Promise<string | null> {
  const literal = hostname.replace(/^\[|\]$/g, '');
  // Node connects to an IP literal without a lookup: check it here.
  if (isIP(literal)) {
    const check = checkTargetAddress(literal, allowedRanges);
    return Promise.resolve(check.ok ? null : check.reason);
  }
  return new Promise((resolve) => {
    guardedLookup(allowedRanges)(hostname, { all: true }, (err) => resolve(err ? err.message : null));
  });
}

/** Standard Webhooks signature header: one `v1,<sig>` per valid secret (the previous one during a rotation's overlap). */
export function signatureHeader(secrets: string[], msgId: string, at: Date, body: string): string {
  return secrets.map((s) => new Webhook(s).sign(msgId, at, body)).join(' ');
}

export function postSigned(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; allowedRanges: readonly string[]; agent?: http.Agent },
): Promise<SendResult> {
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): SendResult => ({
    statusCode,
    latencyMs: Math.round(performance.now() - started),
    error,
  });
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve(done(null, 'invalid URL'));
    }
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal)) {
      const check = checkTargetAddress(literal, options.allowedRanges);
      if (!check.ok) return resolve(done(null, `refused target: ${check.reason}`));
    }
    const secure = target.protocol === 'https:';
    const client = secure ? https : http;
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'service-hub-webhooks/1',
          ...headers,
        },
        lookup: guardedLookup(options.allowedRanges),
        timeout: options.timeoutMs,
        // The keep-alive agent is plain HTTP; https targets get a connection per request.
        agent: options.agent && !secure ? options.agent : false,
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          const ok = response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300;
          resolve(done(response.statusCode ?? null, ok ? null : `HTTP ${response.statusCode}`));
        });
        response.on('error', (err) => resolve(done(response.statusCode ?? null, err.message)));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no response within ${options.timeoutMs} ms`)));
    request.on('error', (err) => resolve(done(null, err.message.slice(0, 500))));
    request.end(body);
  });
}
