/**
 * The three-tier support network as plain data: tier 1 local partner centres
 * escalate to tier 2 vendor regional centres, which escalate to the tier 3 OEM
 * technical centre. `parentId` is the escalation path; everything here is pure
 * so visibility, entitlement and escalation share one definition of "above"
 * and "below".
 */

export const SUPPORT_TIERS = [1, 2, 3] as const;
export type SupportTierNumber = (typeof SUPPORT_TIERS)[number];

export interface CentreNode {
  readonly id: string;
  readonly parentId: string | null;
  readonly tier: number;
}

export type HierarchyIssue =
  | { readonly code: 'INVALID_TIER'; readonly tier: number }
  | { readonly code: 'PARENT_NOT_FOUND'; readonly parentId: string }
  | { readonly code: 'PARENT_NOT_HIGHER_TIER'; readonly tier: number; readonly parentTier: number }
  | { readonly code: 'TOP_TIER_HAS_PARENT' }
  | { readonly code: 'PARENT_REQUIRED'; readonly tier: number };

/**
 * A new centre's place in the tree. Tier 3 is the top (no parent); a tier 1 or
 * tier 2 centre must escalate somewhere, to a centre of a strictly higher tier
 * (a tier 1 centre may escalate straight to the OEM where no regional centre
 * exists). Because parents are strictly higher, the tree cannot contain a cycle.
 */
export function validateCentrePlacement(
  centre: { tier: number; parentId: string | null },
  existing: readonly CentreNode[],
): HierarchyIssue[] {
  if (!(SUPPORT_TIERS as readonly number[]).includes(centre.tier)) return [{ code: 'INVALID_TIER', tier: centre.tier }];
  const top = Math.max(...SUPPORT_TIERS);
  if (centre.tier === top) return centre.parentId ? [{ code: 'TOP_TIER_HAS_PARENT' }] : [];
  if (!centre.parentId) return [{ code: 'PARENT_REQUIRED', tier: centre.tier }];
  const parent = existing.find((c) => c.id === centre.parentId);
  if (!parent) return [{ code: 'PARENT_NOT_FOUND', parentId: centre.parentId }];
  if (parent.tier <= centre.tier) return [{ code: 'PARENT_NOT_HIGHER_TIER', tier: centre.tier, parentTier: parent.tier }];
  return [];
}

/** Parent, grandparent, … up to the top (nearest first). Stops on a malformed cycle rather than looping. */
export function ancestorIds(centres: readonly CentreNode[], id: string): string[] {
  const byId = new Map(centres.map((c) => [c.id, c]));
  const out: string[] = [];
  const seen = new Set<string>([id]);
  let current = byId.get(id)?.parentId ?? null;
  while (current && !seen.has(current)) {
    out.push(current);
    seen.add(current);
    current = byId.get(current)?.parentId ?? null;
  }
  return out;
}

/** Every centre below `id` (children, grandchildren …), breadth first. */
export function descendantIds(centres: readonly CentreNode[], id: string): string[] {
  const children = new Map<string, string[]>();
  for (const c of centres) {
    if (!c.parentId) continue;
    children.set(c.parentId, [...(children.get(c.parentId) ?? []), c.id]);
  }
  const out: string[] = [];
  const seen = new Set<string>([id]);
  const queue = [...(children.get(id) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    out.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return out;
}

/** The centre itself and every centre above it: who handles work raised at `id`. */
export function escalationPath(centres: readonly CentreNode[], id: string): string[] {
  return [id, ...ancestorIds(centres, id)];
}

export type EscalationTarget =
  { readonly ok: true; readonly toCentreId: string } | { readonly ok: false; readonly code: 'UNKNOWN_CENTRE' | 'TOP_OF_NETWORK' };

/** Escalation moves work one step up: to the parent centre. */
export function escalationTarget(centres: readonly CentreNode[], fromCentreId: string): EscalationTarget {
  const from = centres.find((c) => c.id === fromCentreId);
  if (!from) return { ok: false, code: 'UNKNOWN_CENTRE' };
  if (!from.parentId) return { ok: false, code: 'TOP_OF_NETWORK' };
  return { ok: true, toCentreId: from.parentId };
}
