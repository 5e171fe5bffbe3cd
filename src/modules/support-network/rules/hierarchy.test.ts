import { ancestorIds, descendantIds, escalationPath, escalationTarget, validateCentrePlacement, type CentreNode } from './hierarchy';

const network: CentreNode[] = [
  { id: 'oem', parentId: null, tier: 3 },
  { id: 'east', parentId: 'oem', tier: 2 },
  { id: 'north', parentId: 'oem', tier: 2 },
  { id: 'sh', parentId: 'east', tier: 1 },
  { id: 'sz', parentId: 'east', tier: 1 },
  { id: 'bj', parentId: 'north', tier: 1 },
  { id: 'remote', parentId: 'oem', tier: 1 },
];

describe('support network hierarchy', () => {
  it('lists ancestors nearest first and the escalation path from a centre up to the OEM', () => {
    expect(ancestorIds(network, 'sh')).toEqual(['east', 'oem']);
    expect(ancestorIds(network, 'oem')).toEqual([]);
    expect(escalationPath(network, 'sz')).toEqual(['sz', 'east', 'oem']);
    expect(escalationPath(network, 'remote')).toEqual(['remote', 'oem']);
  });

  it('lists every descendant, not only children', () => {
    expect(descendantIds(network, 'east').sort()).toEqual(['sh', 'sz']);
    expect(descendantIds(network, 'oem').sort()).toEqual(['bj', 'east', 'north', 'remote', 'sh', 'sz']);
    expect(descendantIds(network, 'sh')).toEqual([]);
    expect(descendantIds(network, 'unknown')).toEqual([]);
  });

  it('does not loop on malformed (cyclic) data', () => {
    const cyclic: CentreNode[] = [
      { id: 'a', parentId: 'b', tier: 1 },
      { id: 'b', parentId: 'a', tier: 2 },
    ];
    expect(ancestorIds(cyclic, 'a')).toEqual(['b']);
    expect(descendantIds(cyclic, 'a')).toEqual(['b']);
  });

  it('escalates to the parent, and not beyond the top', () => {
    expect(escalationTarget(network, 'sh')).toEqual({ ok: true, toCentreId: 'east' });
    expect(escalationTarget(network, 'east')).toEqual({ ok: true, toCentreId: 'oem' });
    expect(escalationTarget(network, 'oem')).toEqual({ ok: false, code: 'TOP_OF_NETWORK' });
    expect(escalationTarget(network, 'nope')).toEqual({ ok: false, code: 'UNKNOWN_CENTRE' });
  });

  it('validates where a new centre sits: parents are of a strictly higher tier, tier 3 is the top', () => {
    expect(validateCentrePlacement({ tier: 1, parentId: 'east' }, network)).toEqual([]);
    expect(validateCentrePlacement({ tier: 1, parentId: 'oem' }, network)).toEqual([]);
    expect(validateCentrePlacement({ tier: 3, parentId: null }, network)).toEqual([]);
    expect(validateCentrePlacement({ tier: 2, parentId: 'sh' }, network)).toEqual([
      { code: 'PARENT_NOT_HIGHER_TIER', tier: 2, parentTier: 1 },
    ]);
    expect(validateCentrePlacement({ tier: 2, parentId: 'north' }, network)).toEqual([
      { code: 'PARENT_NOT_HIGHER_TIER', tier: 2, parentTier: 2 },
    ]);
    expect(validateCentrePlacement({ tier: 3, parentId: 'oem' }, network)).toEqual([{ code: 'TOP_TIER_HAS_PARENT' }]);
    expect(validateCentrePlacement({ tier: 1, parentId: null }, network)).toEqual([{ code: 'PARENT_REQUIRED', tier: 1 }]);
    expect(validateCentrePlacement({ tier: 1, parentId: 'gone' }, network)).toEqual([{ code: 'PARENT_NOT_FOUND', parentId: 'gone' }]);
    expect(validateCentrePlacement({ tier: 4, parentId: null }, network)).toEqual([{ code: 'INVALID_TIER', tier: 4 }]);
  });
});
