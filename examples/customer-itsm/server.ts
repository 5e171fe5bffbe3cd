import { timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql } from 'graphql';
import { z } from 'zod';
import { itsmOpenApi } from './openapi';
import { seedDemoItsm } from './seed';
import { ItsmStore, TICKET_STATES } from './store';

export interface ItsmCredentials {
  username: string;
  password: string;
  /** Accepted as `Authorization: Bearer <token>` as well as basic auth. */
  token?: string;
}

/** Fault injection for tests: how /api and /graphql answer until cleared. */
export type ItsmFault =
  { kind: 'down' } | { kind: 'slow'; delayMs: number } | { kind: 'html' } | { kind: 'error500' } | { kind: 'wrongTypes' } | null;

export interface ItsmRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  at: string;
}

export interface CustomerItsm {
  url: string;
  store: ItsmStore;
  /** Every authenticated API request, in order (what the customer's system saw). */
  requestLog: ItsmRequest[];
  setFault(fault: ItsmFault): void;
  close(): Promise<void>;
}

export interface CustomerItsmOptions {
  port?: number;
  host?: string;
  /** SQLite file; in memory when absent. */
  dbFile?: string;
  credentials: ItsmCredentials;
  seed?: boolean;
}

const ticketState = z.enum(TICKET_STATES);
const ticketInput = z.strictObject({
  shortDescription: z.string().min(1).max(160),
  description: z.string().max(4000).optional(),
  state: ticketState.optional(),
  priority: z.number().int().min(1).max(5).optional(),
  assignmentGroup: z.string().max(120).optional(),
  configurationItem: z.string().max(64).optional(),
  correlationId: z.string().max(120).optional(),
});
const ticketPatch = ticketInput
  .omit({ configurationItem: true })
  .extend({ satisfaction: z.number().int().min(1).max(5) })
  .partial();
const commentInput = z.strictObject({ author: z.string().min(1).max(120), body: z.string().min(1).max(4000) });

const STATUS_SDL = `
  "Planned work the customer announced on a unit"
  type MaintenanceWindow { serialNumber: String! startsAt: String! endsAt: String! reason: String! }
  type Query {
    "Announced maintenance windows of a unit, soonest first"
    maintenanceWindows(serialNumber: String!): [MaintenanceWindow!]!
  }
`;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

function authenticated(req: IncomingMessage, credentials: ItsmCredentials): string | null {
  const header = req.headers.authorization ?? '';
  const [scheme, value = ''] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer' && credentials.token && sameSecret(value, credentials.token)) return 'api-token';
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (
      colon > 0 &&
      sameSecret(decoded.slice(0, colon), credentials.username) &&
      sameSecret(decoded.slice(colon + 1), credentials.password)
    )
      return credentials.username;
  }
  return null;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new HttpError(413, 'Body larger than 64 KiB');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch {
    throw new HttpError(400, 'Body is not JSON');
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new HttpError(400, 'Invalid body', result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return result.data;
}

const isoTime = (value: string | undefined, name: string) => {
  if (value === undefined) return undefined;
  if (Number.isNaN(Date.parse(value))) throw new HttpError(400, `${name} is not an ISO time`);
  return new Date(value).toISOString();
};
const positiveInt = (value: string | undefined, name: string, max: number) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new HttpError(400, `${name} must be an integer from 0 to ${max}`);
  return n;
};

/**
 * An example customer ITSM/CMDB: a REST table API over its own SQLite store, described by its
 * own OpenAPI document (GET /openapi.json), plus a small plain GraphQL status API (POST /graphql).
 * It stands in for a customer's real system; nothing in it knows about the hub.
 */
export async function startCustomerItsm(options: CustomerItsmOptions): Promise<CustomerItsm> {
  const store = new ItsmStore(options.dbFile);
  if (options.seed ?? true) seedDemoItsm(store);
  const requestLog: ItsmRequest[] = [];
  let fault: ItsmFault = null;
  let baseUrl = '';
  const statusSchema = buildSchema(STATUS_SDL);
  const statusRoot = { maintenanceWindows: ({ serialNumber }: { serialNumber: string }) => store.maintenanceWindows(serialNumber) };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  async function route(req: IncomingMessage, res: ServerResponse, url: URL, user: string): Promise<void> {
    const q = Object.fromEntries(url.searchParams);
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const [api, area, id, sub] = segments;
    if (api !== 'api') throw new HttpError(404, 'No such route');
    if (area === 'cmdb' && id === 'items' && segments.length === 3 && method === 'GET')
      return send(
        res,
        200,
        store.listConfigurationItems({
          serialNumbers: q.serialNumber?.split(',').filter(Boolean),
          company: q.company,
          updatedSince: isoTime(q.updatedSince, 'updatedSince'),
        }),
      );
    if (area === 'cmdb' && id === 'items' && segments.length === 4 && method === 'GET') {
      const item = store.configurationItem(sub!);
      return item ? send(res, 200, item) : Promise.reject(new HttpError(404, `No configuration item with serial number ${sub}`));
    }
    if (area === 'tickets' && segments.length === 2) {
      if (method === 'GET') {
        if (q.state !== undefined && !ticketState.safeParse(q.state).success)
          throw new HttpError(400, `state must be one of ${TICKET_STATES.join(', ')}`);
        return send(
          res,
          200,
          store.listTickets({ ...q, updatedSince: isoTime(q.updatedSince, 'updatedSince'), limit: positiveInt(q.limit, 'limit', 500) }),
        );
      }
      if (method === 'POST') return send(res, 201, store.createTicket(parse(ticketInput, await readJson(req)), user));
    }
    if (area === 'tickets' && segments.length === 3) {
      if (method === 'GET') {
        const ticket = store.ticket(id!);
        if (!ticket) throw new HttpError(404, `No ticket ${id}`);
        return send(res, 200, ticket);
      }
      if (method === 'PATCH') {
        const ticket = store.updateTicket(id!, parse(ticketPatch, await readJson(req)), user);
        if (!ticket) throw new HttpError(404, `No ticket ${id}`);
        return send(res, 200, ticket);
      }
    }
    if (area === 'tickets' && segments.length === 4 && sub === 'comments' && method === 'POST') {
      const comment = store.addComment(id!, parse(commentInput, await readJson(req)), user);
      if (!comment) throw new HttpError(404, `No ticket ${id}`);
      return send(res, 201, comment);
    }
    if (area === 'changes' && segments.length === 2 && method === 'GET')
      return send(
        res,
        200,
        store.changes({
          since: isoTime(q.since, 'since'),
          afterSeq: positiveInt(q.afterSeq, 'afterSeq', Number.MAX_SAFE_INTEGER),
          limit: positiveInt(q.limit, 'limit', 1000),
        }),
      );
    throw new HttpError(segments.length <= 4 ? 405 : 404, `${method} ${url.pathname} is not supported`);
  }

  async function applyFault(res: ServerResponse): Promise<boolean> {
    if (!fault) return false;
    if (fault.kind === 'down') {
      res.socket?.destroy();
      return true;
    }
    if (fault.kind === 'slow') {
      await new Promise((resolve) => setTimeout(resolve, fault && fault.kind === 'slow' ? fault.delayMs : 0));
      return false;
    }
    if (fault.kind === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><h1>Maintenance</h1></body></html>');
      return true;
    }
    if (fault.kind === 'error500') {
      send(res, 500, { error: 'Internal error' });
      return true;
    }
    return false;
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://itsm');
      try {
        if (req.method === 'GET' && url.pathname === '/openapi.json') return send(res, 200, itsmOpenApi(baseUrl));
        if (req.method === 'GET' && url.pathname === '/healthz') return send(res, 200, { status: 'ok' });
        const user = authenticated(req, options.credentials);
        if (!user) {
          res.setHeader('www-authenticate', 'Basic realm="itsm"');
          throw new HttpError(401, 'Missing or wrong credentials');
        }
        requestLog.push({
          method: req.method ?? 'GET',
          path: decodeURIComponent(url.pathname),
          query: Object.fromEntries(url.searchParams),
          at: new Date().toISOString(),
        });
        if (await applyFault(res)) return;
        if (url.pathname === '/graphql' && req.method === 'POST') {
          const body = (await readJson(req)) as { query?: string; variables?: Record<string, unknown>; operationName?: string } | null;
          if (!body || typeof body.query !== 'string') throw new HttpError(400, 'Expected { query, variables }');
          const result = await graphql({
            schema: statusSchema,
            source: body.query,
            rootValue: statusRoot,
            variableValues: body.variables,
            operationName: body.operationName,
          });
          if (fault?.kind === 'wrongTypes') return send(res, 200, { data: { maintenanceWindows: 'not a list' } });
          return send(res, 200, result);
        }
        if (fault?.kind === 'wrongTypes')
          return send(
            res,
            200,
            url.pathname.startsWith('/api/cmdb/items/') ? { serialNumber: 42, location: { nested: true } } : 'not a list',
          );
        await route(req, res, url, user);
      } catch (error) {
        if (error instanceof HttpError)
          return send(res, error.status, { error: error.message, ...(error.detail ? { detail: error.detail } : {}) });
        send(res, 500, { error: 'Internal error' });
      }
    })();
  });
  // Longer than clients keep idle connections, so a client never reuses one the server is closing.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${options.host === '0.0.0.0' || !options.host ? '127.0.0.1' : options.host}:${address.port}`;
  return {
    url: baseUrl,
    store,
    requestLog,
    setFault: (next) => {
      fault = next;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
    },
  };
}
