/**
 * Which support centres may act on an RMA (send events about it) and, with the
 * same answer, which PARTNER keys may see it.
 *
 * Decision: the RMA's escalation path. That is the centre that raised it (its
 * origin) and every centre above it. Escalation only ever moves an RMA to the
 * parent, so the centre currently assigned is always on that path, and so are
 * the centres it passed through. A regional centre may therefore approve an RMA
 * raised by one of its partners before it is formally escalated, and the partner
 * keeps reporting the unit's return after escalating. A sibling partner, or a
 * centre of another region, may not: its events are refused (dead-lettered).
 */
import { descendantIds, escalationPath, type CentreNode } from '../../support-network/rules/hierarchy';

export interface RmaCentres {
  readonly originCentreId: string;
  readonly centreId: string;
}

export function entitledCentreIds(network: readonly CentreNode[], rma: RmaCentres): string[] {
  return [...new Set([...escalationPath(network, rma.originCentreId), ...escalationPath(network, rma.centreId)])];
}

export function isEntitled(network: readonly CentreNode[], actorCentreId: string, rma: RmaCentres): boolean {
  return entitledCentreIds(network, rma).includes(actorCentreId);
}

/**
 * Creating an RMA: a centre raises it for itself or, acting for a centre below
 * it, names that centre (a regional centre opening an RMA on behalf of a partner).
 */
export function mayCreateFor(network: readonly CentreNode[], actorCentreId: string, forCentreId: string): boolean {
  return actorCentreId === forCentreId || descendantIds(network, actorCentreId).includes(forCentreId);
}
