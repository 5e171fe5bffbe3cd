/**
 * Load generator process: autocannon against a URL on loopback, one run per
 * RPC, bounded in time. Answers are classified from their bodies (GraphQL
 * errors come with HTTP 200) and the x-sql-statements header is tallied.
 */
import { randomBytes } from 'node:crypto';
import autocannon, { type RequestSpec, type Result } from 'autocannon';
import { childMain, serveRpc } from './children';

export interface StaticLoad {
  kind: 'static';
  url: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  durationS: number;
  /**
   * Authorization header values taken in turn, one per request: many clients' keys, as in real
   * traffic (a gateway merges identical in-flight requests of one key into one upstream call).
   */
  authorizations?: string[];
}

export interface ReserveLoad {
  kind: 'reserve';
  url: string;
  path: string;
  headers: Record<string, string>;
  connections: number;
  /** Requests to make; the run also stops after maxSeconds. */
  amount: number;
  maxSeconds: number;
  depotId: string;
  partNumbers: string[];
  query: string;
  tag: string;
}

export type LoadSpec = StaticLoad | ReserveLoad;

export interface LoadResult {
  requests: number;
  durationS: number;
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  /** OK, or the GraphQL error code, or HTTP_<status>. */
  classes: Record<string, number>;
  /** x-sql-statements header value → responses. */
  sqlStatements: Record<string, number>;
  bytesPerResponse: number;
  stoppedByTimeLimit: boolean;
}

function classify(status: number, body: string): string {
  if (status !== 200) {
    const code = /"code"\s*:\s*"([A-Z_]+)"/.exec(body)?.[1];
    return code ?? `HTTP_${status}`;
  }
  // A well-formed success starts with {"data": and has no top-level errors; look at the head only (bodies can be large).
  const errorsAt = body.lastIndexOf('"errors"');
  if (errorsAt < 0) return 'OK';
  const code = /"code"\s*:\s*"([A-Z_]+)"/.exec(body.slice(errorsAt))?.[1];
  return code ?? 'GRAPHQL_ERROR';
}

function run(spec: LoadSpec): Promise<LoadResult> {
  const classes: Record<string, number> = {};
  const sql: Record<string, number> = {};
  // autocannon ends `amount` runs on its 1-second tick, so its own duration can be up to 1 s long:
  // the rate is taken from the start to the last answer instead.
  const t0 = performance.now();
  let lastAnswer = t0;
  const onResponse = (status: number, body: string, _ctx: Record<string, unknown>, headers: Record<string, string>) => {
    lastAnswer = performance.now();
    const cls = classify(status, body);
    classes[cls] = (classes[cls] ?? 0) + 1;
    const s = headers['x-sql-statements'];
    if (s !== undefined) sql[s] = (sql[s] ?? 0) + 1;
  };
  let request: RequestSpec;
  if (spec.kind === 'static' && spec.authorizations?.length) {
    const keys = spec.authorizations;
    let n = 0;
    request = {
      method: 'POST',
      path: spec.path,
      headers: spec.headers,
      body: spec.body,
      setupRequest: (req) => {
        req.headers = { ...spec.headers, authorization: keys[n++ % keys.length] };
        return req;
      },
      onResponse,
    };
  } else if (spec.kind === 'static') {
    request = { method: 'POST', path: spec.path, headers: spec.headers, body: spec.body, onResponse };
  } else {
    const prefix = `${spec.tag}-${randomBytes(4).toString('hex')}`;
    let n = 0;
    const parts = spec.partNumbers;
    request = {
      method: 'POST',
      path: spec.path,
      headers: spec.headers,
      setupRequest: (req) => {
        n += 1;
        const partNumber = parts.length === 1 ? parts[0] : parts[Math.floor(Math.random() * parts.length)];
        req.body = JSON.stringify({
          query: spec.query,
          variables: {
            i: {
              depotId: spec.depotId,
              partNumber,
              quantity: 1,
              condition: 'NEW',
              rmaNumber: `BENCH-${n % 997}`,
              idempotencyKey: `${prefix}-${n}`,
              holdFor: 'P1D',
            },
          },
        });
        return req;
      },
      onResponse,
    };
  }
  return new Promise((resolve, reject) => {
    let stoppedByTimeLimit = false;
    let timer: NodeJS.Timeout | null = null;
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        ...(spec.kind === 'static' ? { duration: spec.durationS } : { amount: spec.amount }),
        timeout: 30,
        requests: [request],
      },
      (error: Error | null, result: Result) => {
        if (timer) clearTimeout(timer);
        if (error) return reject(error);
        const requests = result.requests.total;
        const durationS = spec.kind === 'static' ? result.duration : (lastAnswer - t0) / 1000;
        resolve({
          requests,
          durationS,
          rps: requests / durationS,
          latencyMs: {
            p50: result.latency.p50,
            p90: result.latency.p90,
            p99: result.latency.p99,
            max: result.latency.max,
            mean: result.latency.average,
          },
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          classes,
          sqlStatements: sql,
          bytesPerResponse: requests ? result.throughput.total / requests : 0,
          stoppedByTimeLimit,
        });
      },
    );
    if (spec.kind === 'reserve')
      timer = setTimeout(() => {
        stoppedByTimeLimit = true;
        instance.stop();
      }, spec.maxSeconds * 1000);
  });
}

childMain(async () => {
  serveRpc({
    run: (spec: LoadSpec) => run(spec),
    stop: () => {
      setImmediate(() => process.exit(0));
      return true;
    },
  });
});
