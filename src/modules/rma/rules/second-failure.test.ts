import { PriorFailure, SecondFailureInput, decideSecondFailure } from './second-failure';

const d = (s: string) => new Date(`${s}+08:00`);
const rma = (rmaId: string, at: string, qualifying = true, disposition?: PriorFailure['disposition']): PriorFailure =>
  disposition ? { rmaId, failedAt: d(at), qualifying, disposition } : { rmaId, failedAt: d(at), qualifying };

const input = (patch: Partial<SecondFailureInput>): SecondFailureInput => ({
  serialNumber: 'SN-2102311QGK10M7000123',
  failedAt: d('2025-11-18T10:00'),
  priorFailures: [],
  warrantyEnd: '2026-06-30',
  ...patch,
});

describe('decideSecondFailure', () => {
  it.each<[string, Partial<SecondFailureInput>, Record<string, unknown>]>([
    ['first failure → repair', {}, { disposition: 'REPAIR', reason: 'FIRST_QUALIFYING_FAILURE' }],
    [
      'second qualifying failure in warranty → new unit',
      { priorFailures: [rma('RMA-1', '2025-03-01T09:00')] },
      { disposition: 'REPLACE_WITH_NEW', referenceRmaId: 'RMA-1', reason: 'SECOND_QUALIFYING_FAILURE_IN_WARRANTY' },
    ],
    [
      'references the most recent qualifying failure',
      { priorFailures: [rma('RMA-2', '2025-07-01T09:00'), rma('RMA-1', '2025-03-01T09:00'), rma('RMA-3', '2025-09-01T09:00', false)] },
      { disposition: 'REPLACE_WITH_NEW', referenceRmaId: 'RMA-2' },
    ],
    [
      'non-qualifying history (misuse, NFF) → repair',
      { priorFailures: [rma('RMA-1', '2025-03-01T09:00', false)] },
      { disposition: 'REPAIR', reason: 'FIRST_QUALIFYING_FAILURE' },
    ],
    [
      'out of warranty → repair regardless of history',
      { failedAt: d('2026-07-01T00:00'), priorFailures: [rma('RMA-1', '2025-03-01T09:00')] },
      { disposition: 'REPAIR', reason: 'OUT_OF_WARRANTY' },
    ],
    [
      'warranty end date is inclusive (last day, 23:59 Beijing)',
      { failedAt: d('2026-06-30T23:59'), priorFailures: [rma('RMA-1', '2025-03-01T09:00')] },
      { disposition: 'REPLACE_WITH_NEW', referenceRmaId: 'RMA-1' },
    ],
    [
      'warranty end as an instant',
      { failedAt: d('2026-06-30T12:00'), warrantyEnd: d('2026-06-30T00:00'), priorFailures: [rma('RMA-1', '2025-03-01T09:00')] },
      { disposition: 'REPAIR', reason: 'OUT_OF_WARRANTY' },
    ],
    [
      'the current failure itself does not qualify',
      { qualifying: false, priorFailures: [rma('RMA-1', '2025-03-01T09:00')] },
      { disposition: 'REPAIR', reason: 'NOT_QUALIFYING' },
    ],
    [
      'the RMA being decided is ignored in the history',
      { currentRmaId: 'RMA-9', priorFailures: [rma('RMA-9', '2025-11-18T10:00')] },
      { disposition: 'REPAIR', reason: 'FIRST_QUALIFYING_FAILURE' },
    ],
    [
      'failures recorded after this one are ignored',
      { priorFailures: [rma('RMA-5', '2025-12-01T09:00')] },
      { disposition: 'REPAIR', reason: 'FIRST_QUALIFYING_FAILURE' },
    ],
    [
      'history before a replacement belongs to the old unit',
      { priorFailures: [rma('RMA-1', '2025-03-01T09:00'), rma('RMA-2', '2025-06-01T09:00', true, 'REPLACE_WITH_NEW')] },
      { disposition: 'REPAIR', reason: 'FIRST_QUALIFYING_FAILURE' },
    ],
    [
      'second failure after a replacement',
      { priorFailures: [rma('RMA-2', '2025-06-01T09:00', true, 'REPLACE_WITH_NEW'), rma('RMA-3', '2025-08-01T09:00', true, 'REPAIR')] },
      { disposition: 'REPLACE_WITH_NEW', referenceRmaId: 'RMA-3' },
    ],
  ])('%s', (_case, patch, expected) => {
    expect(decideSecondFailure(input(patch))).toMatchObject({ serialNumber: 'SN-2102311QGK10M7000123', ...expected });
  });

  it('rejects a malformed warranty end', () => {
    expect(() => decideSecondFailure(input({ warrantyEnd: '30/06/2026' }))).toThrow(RangeError);
  });
});
