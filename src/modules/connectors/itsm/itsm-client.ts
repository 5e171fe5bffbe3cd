import { guardedRequest } from '../../../platform/http/target-guard';
import type { TicketChange } from './rules/itsm-sync';

export interface ItsmEndpoint {
  baseUrl: string;
  authKind: 'BASIC' | 'BEARER';
  username: string | null;
  credential: string;
}

export interface ItsmTicket {
  number: string;
  state: string;
  satisfaction?: number | null;
  correlationId?: string | null;
}

export class ItsmHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The ServiceNow-style table API of a customer's ITSM (examples/customer-itsm documents the shape), called
 * through the outbound target guard: the base URL may only resolve to allowed addresses, at every call.
 */
export class ItsmClient {
  constructor(
    private readonly endpoint: ItsmEndpoint,
    private readonly options: { timeoutMs: number; allowedRanges: readonly string[] },
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T | null> {
    const e = this.endpoint;
    const authorization =
      e.authKind === 'BEARER' ? `Bearer ${e.credential}` : `Basic ${Buffer.from(`${e.username ?? ''}:${e.credential}`).toString('base64')}`;
    const response = await guardedRequest(`${e.baseUrl.replace(/\/+$/, '')}${path}`, {
      method,
      headers: { authorization, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: this.options.timeoutMs,
      allowedRanges: this.options.allowedRanges,
    });
    if (response.status === 404 && method === 'GET') return null;
    if (response.status < 200 || response.status >= 300)
      throw new ItsmHttpError(
        response.status,
        `ITSM answered HTTP ${response.status} to ${method} ${path}: ${response.body.slice(0, 200)}`,
      );
    try {
      return JSON.parse(response.body) as T;
    } catch {
      throw new ItsmHttpError(response.status, `ITSM answered ${method} ${path} with something that is not JSON`);
    }
  }

  ticket(number: string): Promise<ItsmTicket | null> {
    return this.call<ItsmTicket>('GET', `/api/tickets/${encodeURIComponent(number)}`);
  }

  /** Tickets that name this id of another system (the hub's incident id) as their correlation id. */
  async byCorrelation(correlationId: string): Promise<ItsmTicket[]> {
    const rows = await this.call<unknown>('GET', `/api/tickets?correlationId=${encodeURIComponent(correlationId)}&limit=5`);
    return Array.isArray(rows) ? (rows as ItsmTicket[]).filter((t) => typeof t?.number === 'string') : [];
  }

  async createTicket(ticket: Record<string, unknown>): Promise<ItsmTicket> {
    const body = Object.fromEntries(Object.entries(ticket).filter(([, v]) => v !== null && v !== undefined));
    const created = await this.call<ItsmTicket>('POST', '/api/tickets', body);
    if (!created || typeof created.number !== 'string') throw new ItsmHttpError(200, 'ITSM created a ticket without a number');
    return created;
  }

  async updateTicket(number: string, patch: Record<string, unknown>): Promise<void> {
    await this.call('PATCH', `/api/tickets/${encodeURIComponent(number)}`, patch);
  }

  async addComment(number: string, author: string, body: string): Promise<void> {
    await this.call('POST', `/api/tickets/${encodeURIComponent(number)}/comments`, { author, body: body.slice(0, 4000) });
  }

  async changes(afterSeq: number, limit: number): Promise<TicketChange[]> {
    const rows = await this.call<unknown>('GET', `/api/changes?afterSeq=${afterSeq}&limit=${limit}`);
    if (!Array.isArray(rows)) throw new ItsmHttpError(200, 'ITSM change journal is not a list');
    return rows.map(asChange).filter((c): c is TicketChange => c !== null);
  }
}

/** A journal entry or a pushed change, checked field by field (anything else is dropped). */
export function asChange(raw: unknown): TicketChange | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? null : String(v));
  if (typeof r.ticketNumber !== 'string' || typeof r.field !== 'string' || typeof r.changedBy !== 'string') return null;
  const seq = typeof r.seq === 'number' && Number.isInteger(r.seq) ? r.seq : null;
  return {
    seq,
    ticketNumber: r.ticketNumber,
    field: r.field,
    oldValue: str(r.oldValue),
    newValue: str(r.newValue),
    changedBy: r.changedBy,
  };
}
