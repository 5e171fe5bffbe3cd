import { groupByKey } from '../../src/platform/graphql/batch';

describe('groupByKey (DataLoader batch results)', () => {
  const rows = [
    { id: 'p1', rmaId: 'b' },
    { id: 'p2', rmaId: 'a' },
    { id: 'p3', rmaId: 'b' },
    { id: 'p4', rmaId: 'z' },
  ];

  it('answers one group per key, in key order, keeping the rows’ order inside a group', () => {
    const groups = groupByKey(['a', 'b', 'c'], rows, (r) => r.rmaId);
    expect(groups.map((g) => g.map((r) => r.id))).toEqual([['p2'], ['p1', 'p3'], []]);
  });

  it('ignores rows of keys nobody asked for and handles null keys', () => {
    const withNull = [...rows, { id: 'p5', rmaId: null as unknown as string }];
    const groups = groupByKey([null as unknown as string, 'a'], withNull, (r) => r.rmaId);
    expect(groups.map((g) => g.map((r) => r.id))).toEqual([['p5'], ['p2']]);
  });
});
