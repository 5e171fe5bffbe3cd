import { loanerMatch, rankLoaners } from './loaner-choice';

const device = { model: 'PowerEdge R740', equivalenceClass: '2U-2S-SERVER' };
const loaner = (serialNumber: string, model: string, depotId: string, equivalenceClass = '2U-2S-SERVER') => ({
  serialNumber,
  model,
  equivalenceClass,
  depotId,
});

describe('loanerMatch', () => {
  it('tells same model, equivalent and unrelated units apart', () => {
    expect(loanerMatch(device, loaner('a', 'PowerEdge R740', 'x'))).toBe('SAME_MODEL');
    expect(loanerMatch(device, loaner('b', 'ProLiant DL380 Gen10', 'x'))).toBe('EQUIVALENT');
    expect(loanerMatch(device, loaner('c', 'Nexus 93180YC', 'x', 'TOR-SWITCH-25G'))).toBeNull();
  });
});

describe('rankLoaners', () => {
  const minutes = new Map([
    ['near', 120],
    ['far', 480],
  ]);

  it('prefers the same model over an equivalent, even from a farther depot', () => {
    const ranked = rankLoaners(
      device,
      [loaner('EQ-NEAR', 'ProLiant DL380 Gen10', 'near'), loaner('SAME-FAR', 'PowerEdge R740', 'far')],
      minutes,
    );
    expect(ranked.map((r) => [r.serialNumber, r.match, r.deliveryMinutes])).toEqual([
      ['SAME-FAR', 'SAME_MODEL', 480],
      ['EQ-NEAR', 'EQUIVALENT', 120],
    ]);
  });

  it('takes the nearest depot within a match, uncovered depots last', () => {
    const ranked = rankLoaners(
      device,
      [
        loaner('S-NONE', 'PowerEdge R740', 'elsewhere'),
        loaner('S-FAR', 'PowerEdge R740', 'far'),
        loaner('S-NEAR', 'PowerEdge R740', 'near'),
      ],
      minutes,
    );
    expect(ranked.map((r) => r.serialNumber)).toEqual(['S-NEAR', 'S-FAR', 'S-NONE']);
    expect(ranked[2].deliveryMinutes).toBeNull();
  });

  it('drops units that are neither the model nor equivalent, and breaks ties by serial', () => {
    const ranked = rankLoaners(
      device,
      [
        loaner('B', 'PowerEdge R740', 'near'),
        loaner('SW', 'Nexus 93180YC', 'near', 'TOR-SWITCH-25G'),
        loaner('A', 'PowerEdge R740', 'near'),
      ],
      minutes,
    );
    expect(ranked.map((r) => r.serialNumber)).toEqual(['A', 'B']);
  });
});
