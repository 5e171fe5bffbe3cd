import type { Principal } from './principal';

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
