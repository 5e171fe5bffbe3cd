import type { CentreNode } from '../../support-network/rules/hierarchy';
import { entitledCentreIds, isEntitled, mayCreateFor } from './entitlement';

const network: CentreNode[] = [
  { id: 'oem', parentId: null, tier: 3 },
  { id: 'east', parentId: 'oem', tier: 2 },
  { id: 'sh', parentId: 'east', tier: 1 },
  { id: 'sz', parentId: 'east', tier: 1 },
];

describe('RMA entitlement', () => {
  it('is the escalation path from the origin centre up', () => {
    expect(entitledCentreIds(network, { originCentreId: 'sh', centreId: 'sh' }).sort()).toEqual(['east', 'oem', 'sh']);
    expect(entitledCentreIds(network, { originCentreId: 'sh', centreId: 'east' }).sort()).toEqual(['east', 'oem', 'sh']);
    expect(entitledCentreIds(network, { originCentreId: 'east', centreId: 'east' }).sort()).toEqual(['east', 'oem']);
  });

  it('excludes siblings and centres below the origin', () => {
    expect(isEntitled(network, 'sz', { originCentreId: 'sh', centreId: 'east' })).toBe(false);
    expect(isEntitled(network, 'sh', { originCentreId: 'east', centreId: 'east' })).toBe(false);
    expect(isEntitled(network, 'oem', { originCentreId: 'sh', centreId: 'sh' })).toBe(true);
  });

  it('lets a centre raise RMAs for itself and centres below it', () => {
    expect(mayCreateFor(network, 'sh', 'sh')).toBe(true);
    expect(mayCreateFor(network, 'east', 'sz')).toBe(true);
    expect(mayCreateFor(network, 'oem', 'sz')).toBe(true);
    expect(mayCreateFor(network, 'sh', 'sz')).toBe(false);
    expect(mayCreateFor(network, 'sh', 'east')).toBe(false);
  });
});
