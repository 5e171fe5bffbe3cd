import type { Principal } from './principal';
import { canSee, scopeColumns } from './scope';

/**
 * Who performs a domain command. Commands take `(tx, actor, input)`: authorization against an API key
 * happens at the resolver, so systems that are not API keys (connectors, Kafka partners, the scheduler)
 * act as themselves instead of forging a principal.
 */
export type Actor =
  | { kind: 'user'; principal: Principal }
  | { kind: 'partner'; centreId: string }
  | { kind: 'connector'; connectorId: string; customerId: string; name: string }
  | { kind: 'scheduler'; job: string }
  | { kind: 'system'; reason: string };

export const userActor = (principal: Principal): Actor => ({ kind: 'user', principal });
export const partnerActor = (centreId: string): Actor => ({ kind: 'partner', centreId });
export const schedulerActor = (job: string): Actor => ({ kind: 'scheduler', job });
export const systemActor = (reason: string): Actor => ({ kind: 'system', reason });
export const connectorActor = (connectorId: string, customerId: string, name: string): Actor => ({
  kind: 'connector',
  connectorId,
  customerId,
  name,
});

/** A short human label for timelines and logs ("key ops-desk", "connector prom-bank-a", "scheduler"). */
export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return actor.principal.name;
    case 'partner':
      return `centre ${actor.centreId}`;
    case 'connector':
      return `connector ${actor.name}`;
    case 'scheduler':
      return `scheduler (${actor.job})`;
    case 'system':
      return `system (${actor.reason})`;
  }
}

/**
 * Whether the actor may act on a row (tenant scoping for commands): a user key within its principal's
 * scope, a connector within its customer, a partner centre on rows of its centre; the hub's own actors
 * (scheduler, system) on every row. A row the actor may not act on is NOT_FOUND to it.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function actorCanSee(actor: Actor, entity: Function, row: object | null | undefined): boolean {
  if (!row) return false;
  const scoped = (role: 'CUSTOMER' | 'PARTNER', id: string) => {
    const column = scopeColumns(entity)[role];
    return !!column && (row as Record<string, unknown>)[column] === id;
  };
  switch (actor.kind) {
    case 'user':
      return canSee(actor.principal, entity, row);
    case 'connector':
      return scoped('CUSTOMER', actor.customerId);
    case 'partner':
      return scoped('PARTNER', actor.centreId);
    case 'scheduler':
    case 'system':
      return true;
  }
}
