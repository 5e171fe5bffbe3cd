import { decideDisposition, priorFailures, type EarlierRma } from './disposition';

const d = (iso: string) => new Date(iso);
const earlier = (over: Partial<EarlierRma>): EarlierRma => ({
  id: 'rma-1',
  status: 'RETURNED_TO_CUSTOMER',
  failedAt: d('2026-01-10T02:00:00Z'),
  approvedAt: d('2026-01-10T05:00:00Z'),
  ...over,
});

describe('disposition from the serial history (second-failure rule)', () => {
  it('replaces with new on the second qualifying failure within warranty, referencing the first', () => {
    expect(
      decideDisposition({
        serialNumber: 'SN-1',
        failedAt: d('2026-03-01T02:00:00Z'),
        warrantyEnd: d('2027-01-01T00:00:00Z'),
        history: [earlier({})],
      }),
    ).toEqual({
      disposition: 'REPLACE_WITH_NEW',
      serialNumber: 'SN-1',
      referenceRmaId: 'rma-1',
      reason: 'SECOND_QUALIFYING_FAILURE_IN_WARRANTY',
    });
  });

  it('repairs a first failure, and ignores rejected or never-approved RMAs', () => {
    const input = { serialNumber: 'SN-1', failedAt: d('2026-03-01T02:00:00Z'), warrantyEnd: d('2027-01-01T00:00:00Z') };
    expect(decideDisposition({ ...input, history: [] }).disposition).toBe('REPAIR');
    expect(decideDisposition({ ...input, history: [earlier({ status: 'REJECTED' })] }).disposition).toBe('REPAIR');
    expect(decideDisposition({ ...input, history: [earlier({ status: 'EXPIRED', approvedAt: null })] }).disposition).toBe('REPAIR');
  });

  it('repairs out of warranty and when no warranty is on record', () => {
    expect(
      decideDisposition({
        serialNumber: 'SN-1',
        failedAt: d('2026-03-01T02:00:00Z'),
        warrantyEnd: d('2026-02-01T00:00:00Z'),
        history: [earlier({})],
      }),
    ).toMatchObject({
      disposition: 'REPAIR',
      reason: 'OUT_OF_WARRANTY',
    });
    expect(
      decideDisposition({ serialNumber: 'SN-1', failedAt: d('2026-03-01T02:00:00Z'), warrantyEnd: null, history: [earlier({})] }),
    ).toMatchObject({
      disposition: 'REPAIR',
      reason: 'NO_WARRANTY_ON_RECORD',
    });
  });

  it('starts counting afresh after a replacement', () => {
    const history = [earlier({ id: 'rma-1' }), earlier({ id: 'rma-2', status: 'REPLACED', failedAt: d('2026-02-01T00:00:00Z') })];
    expect(priorFailures(history).map((f) => f.disposition)).toEqual(['REPAIR', 'REPLACE_WITH_NEW']);
    expect(
      decideDisposition({ serialNumber: 'SN-1', failedAt: d('2026-03-01T02:00:00Z'), warrantyEnd: d('2027-01-01T00:00:00Z'), history })
        .disposition,
    ).toBe('REPAIR');
  });
});
