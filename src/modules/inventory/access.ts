import { actorLabel, type Actor } from '../../platform/auth/actor';
import { isStaff, Principal, Role } from '../../platform/auth/principal';
import { badInput, notFound } from '../../platform/errors';

/**
 * A WAREHOUSE key acts only on its own depots; staff on every depot. Another
 * depot's id answers NOT_FOUND, as any id of another tenant does.
 */
export function canActOnDepot(principal: Principal, depotId: string): boolean {
  return isStaff(principal) || (principal.role === Role.WAREHOUSE && principal.visibleScopeIds.includes(depotId));
}

export function assertDepotAccess(principal: Principal, depotId: string): void {
  if (!canActOnDepot(principal, depotId)) throw notFound('Depot', depotId);
}

/** Who a movement or decision is booked to: the API key's name (ids are in the key table). */
export const actorOf = (principal: Principal): string => principal.name.slice(0, 120);

/** A command's actor on a depot: a key by its scope (above), the hub's own actors (seed, scheduler) on every depot. */
export function actorCanActOnDepot(actor: Actor, depotId: string): boolean {
  switch (actor.kind) {
    case 'user':
      return canActOnDepot(actor.principal, depotId);
    case 'scheduler':
    case 'system':
      return true;
    default:
      return false;
  }
}

export function assertActorDepotAccess(actor: Actor, depotId: string): void {
  if (!actorCanActOnDepot(actor, depotId)) throw notFound('Depot', depotId);
}

/** Who a movement or decision is booked to, for commands that take an actor. */
export const bookedBy = (actor: Actor): string => actorLabel(actor).slice(0, 120);

export function requireOneOf(values: Record<string, string | null | undefined>): void {
  if (Object.values(values).every((v) => !v))
    throw badInput(`One of ${Object.keys(values).join(', ')} is required`, { fields: Object.keys(values) });
}
