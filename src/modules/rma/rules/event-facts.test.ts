import { factsOf, type FactEvent, type RecordedFacts } from './event-facts';

const t = (minutes: number) => new Date(Date.UTC(2026, 2, 2, 1, minutes));
const DAY = 86_400_000;
const settings = { validityMs: 30 * DAY, durationMs: (iso: string) => (iso === 'P14D' ? 14 * DAY : iso === 'PT0S' ? 0 : null) };
const blank: RecordedFacts = {
  approvedAt: null,
  validUntil: null,
  rejectedAt: null,
  rejectionReason: null,
  advanceShippedAt: null,
  defectiveReceivedAt: null,
  repairStartedAt: null,
  projectedCompletionAt: null,
  repairCompletedAt: null,
  returnedAt: null,
  replacedAt: null,
  replacementSerialNumber: null,
  serviceRestoredAt: null,
  loanerDeliveredAt: null,
};

/** Applies events one after the other, as the lifecycle does, and returns the record. */
function record(events: FactEvent[]): RecordedFacts {
  let facts = { ...blank };
  for (const event of events) {
    const result = factsOf(facts, event, settings);
    if (!result.ok) throw new Error(result.reason);
    facts = { ...facts, ...result.changes };
  }
  return facts;
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('facts an RMA event records', () => {
  it("sets an approval's validity from the payload, the approval's validity or the default", () => {
    expect(record([{ type: 'RmaApproved', occurredAt: t(0), payload: {} }])).toMatchObject({
      approvedAt: t(0),
      validUntil: new Date(t(0).getTime() + 30 * DAY),
    });
    expect(record([{ type: 'RmaApproved', occurredAt: t(0), payload: { validity: 'P14D' } }]).validUntil).toEqual(
      new Date(t(0).getTime() + 14 * DAY),
    );
    expect(record([{ type: 'RmaApproved', occurredAt: t(0), payload: { validUntil: t(60) } }]).validUntil).toEqual(t(60));
    expect(factsOf(blank, { type: 'RmaApproved', occurredAt: t(0), payload: { validity: 'PT0S' } }, settings)).toMatchObject({
      ok: false,
      field: 'validity',
    });
  });

  it('records the same facts in any order of the same events', () => {
    const story: FactEvent[] = [
      { type: 'RmaApproved', occurredAt: t(1), payload: { validity: 'P14D' } },
      { type: 'AdvanceReplacementShipped', occurredAt: t(2), payload: { replacementSerialNumber: 'ADV-1' } },
      { type: 'DefectiveReceived', occurredAt: t(10), payload: {} },
      { type: 'RepairStarted', occurredAt: t(20), payload: { estimatedCompletionAt: t(600) } },
      { type: 'LoanerDelivered', occurredAt: t(25), payload: {} },
      { type: 'UnitReplaced', occurredAt: t(30), payload: { newSerialNumber: 'NEW-1', condition: 'NEW', source: 'ORIGINAL_MANUFACTURER' } },
    ];
    const inOrder = record(story);
    expect(inOrder).toMatchObject({
      replacementSerialNumber: 'NEW-1',
      serviceRestoredAt: t(2),
      validUntil: new Date(t(1).getTime() + 14 * DAY),
      projectedCompletionAt: t(600),
    });
    for (const order of permutations(story)) expect(record(order)).toEqual(inOrder);
  });

  it("keeps the advance replacement's serial when the final unit names none", () => {
    const story: FactEvent[] = [
      { type: 'AdvanceReplacementShipped', occurredAt: t(2), payload: { replacementSerialNumber: 'ADV-1' } },
      { type: 'UnitReplaced', occurredAt: t(30), payload: { condition: 'NEW', source: 'ORIGINAL_MANUFACTURER' } },
    ];
    expect(record(story).replacementSerialNumber).toBe('ADV-1');
    expect(record([...story].reverse()).replacementSerialNumber).toBe('ADV-1');
  });

  it('says which events give the customer a working unit again', () => {
    expect(factsOf(blank, { type: 'UnitReturned', occurredAt: t(5), payload: {} }, settings)).toMatchObject({
      ok: true,
      restoresService: true,
    });
    expect(factsOf(blank, { type: 'RepairCompleted', occurredAt: t(5), payload: { partsUsed: [] } }, settings)).toMatchObject({
      ok: true,
      restoresService: false,
    });
    expect(factsOf(blank, { type: 'RmaRejected', occurredAt: t(5), payload: { reason: 'misuse' } }, settings)).toEqual({
      ok: true,
      changes: { rejectedAt: t(5), rejectionReason: 'misuse' },
      restoresService: false,
    });
  });
});
