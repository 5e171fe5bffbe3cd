/**
 * Which webhook endpoints get which hub event: event type patterns, and who may see an event
 * (tenant scoping by the ids its payload names). Pure functions.
 */
import type { EventEnvelope } from '../../../../platform/kafka/event-bus';

export type OwnerRole = 'ADMIN' | 'OPERATOR' | 'CUSTOMER' | 'PARTNER' | 'WAREHOUSE';

/** "IncidentEscalated" → incident, "LoanerAssigned" → loaner, "PartEolAnnounced" / "StockAlertRaised" → stock. */
export function eventCategory(type: string): string {
  const first = /^[A-Z][a-z]*/.exec(type)?.[0]?.toLowerCase() ?? type.toLowerCase();
  return first === 'part' ? 'stock' : first;
}

/** `*`, `incident.*`, `incident.IncidentEscalated` or `IncidentEscalated`. */
export const EVENT_PATTERN = /^(\*|[a-z]+\.\*|([a-z]+\.)?[A-Z][A-Za-z0-9]*)$/;

export function matchesPatterns(patterns: readonly string[], type: string): boolean {
  const category = eventCategory(type);
  return patterns.some((p) => p === '*' || p === `${category}.*` || p === type || p === `${category}.${type}`);
}

/** The tenants an event concerns, from the ids its payload names (deny by default: an event naming none is staff-only). */
export interface Audience {
  customerIds: string[];
  centreIds: string[];
  depotIds: string[];
}

const str = (v: unknown): string[] => (typeof v === 'string' && v.length > 0 ? [v] : []);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function eventAudience(envelope: Pick<EventEnvelope, 'payload'>, extra: Partial<Audience> = {}): Audience {
  const p = (envelope.payload ?? {}) as Record<string, unknown>;
  const uniq = (xs: string[]) => [...new Set(xs)];
  return {
    customerIds: uniq([...str(p.customerId), ...strs(p.notifiedCustomerIds), ...(extra.customerIds ?? [])]),
    centreIds: uniq([...str(p.centreId), ...str(p.assignedCentreId), ...str(p.originCentreId), ...(extra.centreIds ?? [])]),
    depotIds: uniq([...str(p.depotId), ...(extra.depotIds ?? [])]),
  };
}

export function mayReceive(owner: { role: OwnerRole; scopeId: string | null }, audience: Audience): boolean {
  switch (owner.role) {
    case 'ADMIN':
    case 'OPERATOR':
      return true;
    case 'CUSTOMER':
      return !!owner.scopeId && audience.customerIds.includes(owner.scopeId);
    case 'PARTNER':
      return !!owner.scopeId && audience.centreIds.includes(owner.scopeId);
    case 'WAREHOUSE':
      return !!owner.scopeId && audience.depotIds.includes(owner.scopeId);
  }
}

/** Exponential backoff with "equal jitter": half the step fixed, half random, capped. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: number = Math.random()): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  return Math.round(step / 2 + (step / 2) * random);
}
