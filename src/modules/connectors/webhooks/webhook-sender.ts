import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { checkTargetAddress, guardedLookup } from '../../../platform/http/target-guard';

export interface SendResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
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
