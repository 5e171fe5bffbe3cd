import type { CentreNode } from '../../support-network/rules/hierarchy';
import { decide, replayOrder, type EventFacts, type RmaSnapshot } from './applicability';

const network: CentreNode[] = [
  { id: 'oem', parentId: null, tier: 3 },
  { id: 'east', parentId: 'oem', tier: 2 },
  { id: 'north', parentId: 'oem', tier: 2 },
  { id: 'sh', parentId: 'east', tier: 1 },
  { id: 'sz', parentId: 'east', tier: 1 },
  { id: 'bj', parentId: 'north', tier: 1 },
];

const t = (minutes: number) => new Date(Date.UTC(2026, 2, 2, 1, minutes));
const rma = (over: Partial<RmaSnapshot> = {}): RmaSnapshot => ({
  status: 'REQUESTED',
  disposition: 'REPAIR',
  centreId: 'sh',
  originCentreId: 'sh',
  statusChangedAt: t(0),
  recorded: ['RmaCreated'],
  ...over,
});
const ev = (type: EventFacts['type'], over: Partial<EventFacts> = {}): EventFacts => ({
  type,
  occurredAt: t(10),
  actor: { kind: 'centre', centreId: 'sh' },
  ...over,
});

describe('event applicability', () => {
  it('holds everything but RmaCreated until the RMA exists', () => {
    expect(decide(null, ev('DefectiveReceived'), network)).toEqual({ kind: 'HOLD', waitingFor: 'RmaCreated' });
    expect(decide(null, ev('RmaEscalated'), network)).toEqual({ kind: 'HOLD', waitingFor: 'RmaCreated' });
    expect(decide(null, ev('RmaCreated'), network)).toEqual({ kind: 'APPLY' });
  });

  it('lets a centre raise an RMA for itself or a centre below it, not for a sibling', () => {
    expect(decide(null, ev('RmaCreated', { actor: { kind: 'centre', centreId: 'east' }, createForCentreId: 'sh' }), network).kind).toBe(
      'APPLY',
    );
    expect(decide(null, ev('RmaCreated', { createForCentreId: 'sz' }), network)).toMatchObject({ kind: 'REFUSE', code: 'NOT_ENTITLED' });
    expect(decide(null, ev('RmaCreated', { actor: { kind: 'hub' }, createForCentreId: 'sz' }), network).kind).toBe('APPLY');
  });

  it('refuses a second RmaCreated for an existing number', () => {
    expect(decide(rma(), ev('RmaCreated'), network)).toMatchObject({ kind: 'REFUSE', code: 'DUPLICATE' });
  });

  it('applies an event valid in the current status', () => {
    expect(decide(rma(), ev('RmaApproved'), network)).toEqual({ kind: 'APPLY' });
    expect(decide(rma({ status: 'APPROVED' }), ev('DefectiveReceived'), network)).toEqual({ kind: 'APPLY' });
  });

  it('holds an event that needs a later status (DefectiveReceived before RmaApproved)', () => {
    expect(decide(rma(), ev('DefectiveReceived'), network)).toEqual({ kind: 'HOLD', waitingFor: 'APPROVED or AWAITING_DEFECTIVE_RETURN' });
    expect(decide(rma({ status: 'RECEIVED' }), ev('UnitReturned'), network)).toEqual({ kind: 'HOLD', waitingFor: 'REPAIRED' });
  });

  it('refuses an event for a step the RMA is already past', () => {
    expect(
      decide(
        rma({ status: 'IN_REPAIR', recorded: ['RmaCreated', 'RmaApproved', 'DefectiveReceived', 'RepairStarted'] }),
        ev('RmaApproved'),
        network,
      ),
    ).toMatchObject({
      kind: 'REFUSE',
      code: 'INVALID_TRANSITION',
    });
    expect(decide(rma({ status: 'REPAIRED' }), ev('RepairStarted'), network)).toMatchObject({ kind: 'REFUSE', code: 'INVALID_TRANSITION' });
  });

  it('refuses anything that would move a closed RMA', () => {
    expect(decide(rma({ status: 'RETURNED_TO_CUSTOMER' }), ev('UnitReplaced'), network)).toMatchObject({
      kind: 'REFUSE',
      code: 'INVALID_TRANSITION',
    });
    expect(decide(rma({ status: 'EXPIRED' }), ev('RmaEscalated'), network)).toMatchObject({ kind: 'REFUSE' });
  });

  it('applies an escalation that happened before the RMA closed but arrived after', () => {
    const closed = rma({ status: 'RETURNED_TO_CUSTOMER', statusChangedAt: t(50) });
    expect(decide(closed, ev('RmaEscalated', { occurredAt: t(2) }), network)).toEqual({ kind: 'APPLY' });
    expect(decide(closed, ev('RmaEscalated', { occurredAt: t(60) }), network)).toMatchObject({
      kind: 'REFUSE',
      code: 'INVALID_TRANSITION',
    });
  });

  it('records a skipped optional step that happened before the last status change as a late fact', () => {
    const received = rma({ status: 'RECEIVED', statusChangedAt: t(30), recorded: ['RmaCreated', 'RmaApproved', 'DefectiveReceived'] });
    expect(decide(received, ev('AdvanceReplacementShipped', { occurredAt: t(20) }), network)).toEqual({ kind: 'RECORD_LATE' });
    // After the receipt it is a contradiction, not a late fact.
    expect(decide(received, ev('AdvanceReplacementShipped', { occurredAt: t(40) }), network)).toMatchObject({ kind: 'REFUSE' });
    // An approval that happened before a rejection is kept in the history.
    const rejected = rma({ status: 'REJECTED', statusChangedAt: t(30) });
    expect(decide(rejected, ev('RmaApproved', { occurredAt: t(20) }), network)).toEqual({ kind: 'RECORD_LATE' });
    // Already recorded: a replay under a new eventId.
    expect(
      decide(
        { ...received, recorded: [...received.recorded, 'AdvanceReplacementShipped'] },
        ev('AdvanceReplacementShipped', { occurredAt: t(20) }),
        network,
      ).kind,
    ).toBe('REFUSE');
  });

  it('records late every overtaken step that does not close the RMA, and refuses a second closing event', () => {
    const replaced = rma({
      status: 'REPLACED',
      statusChangedAt: t(50),
      recorded: ['RmaCreated', 'RmaApproved', 'DefectiveReceived', 'UnitReplaced'],
    });
    expect(decide(replaced, ev('RepairStarted', { occurredAt: t(30) }), network)).toEqual({ kind: 'RECORD_LATE' });
    expect(decide(replaced, ev('RepairCompleted', { occurredAt: t(40) }), network)).toEqual({ kind: 'RECORD_LATE' });
    const rejected = rma({ status: 'REJECTED', statusChangedAt: t(30) });
    expect(decide(rejected, ev('DefectiveReceived', { occurredAt: t(20) }), network)).toEqual({ kind: 'RECORD_LATE' });
    // Two closing events contradict each other: the second is refused whatever the times.
    expect(decide(replaced, ev('RmaRejected', { occurredAt: t(20) }), network)).toMatchObject({
      kind: 'REFUSE',
      code: 'INVALID_TRANSITION',
    });
    expect(decide(replaced, ev('UnitReturned', { occurredAt: t(20) }), network)).toMatchObject({ kind: 'REFUSE' });
    // A step the RMA has not reached is held, even when the clocks say it happened earlier.
    const approved = rma({ status: 'APPROVED', statusChangedAt: t(30), recorded: ['RmaCreated', 'RmaApproved'] });
    expect(decide(approved, ev('RepairStarted', { occurredAt: t(20) }), network).kind).toBe('HOLD');
  });

  it('refuses events from centres off the escalation path, whatever the status', () => {
    const open = rma({ status: 'APPROVED' });
    expect(decide(open, ev('DefectiveReceived', { actor: { kind: 'centre', centreId: 'sz' } }), network)).toMatchObject({
      kind: 'REFUSE',
      code: 'NOT_ENTITLED',
    });
    expect(decide(open, ev('DefectiveReceived', { actor: { kind: 'centre', centreId: 'bj' } }), network)).toMatchObject({
      kind: 'REFUSE',
      code: 'NOT_ENTITLED',
    });
    expect(decide(open, ev('DefectiveReceived', { actor: { kind: 'centre', centreId: 'oem' } }), network).kind).toBe('APPLY');
    expect(decide(open, ev('DefectiveReceived', { actor: { kind: 'hub' } }), network).kind).toBe('APPLY');
    // After escalation the originating partner is still on the path.
    const escalated = rma({ status: 'APPROVED', centreId: 'east' });
    expect(decide(escalated, ev('DefectiveReceived'), network).kind).toBe('APPLY');
  });

  it('forbids repairing a unit whose RMA is a second failure in warranty', () => {
    const replace = rma({ status: 'RECEIVED', disposition: 'REPLACE_WITH_NEW' });
    expect(decide(replace, ev('RepairStarted'), network)).toMatchObject({ kind: 'REFUSE', code: 'POLICY' });
    expect(decide(replace, ev('UnitReplaced'), network).kind).toBe('APPLY');
  });

  it('escalates one step up, holds a jump over a missing step, refuses anything else', () => {
    expect(decide(rma(), ev('RmaEscalated'), network)).toEqual({ kind: 'APPLY' });
    expect(decide(rma(), ev('RmaEscalated', { escalateToCentreId: 'east' }), network)).toEqual({ kind: 'APPLY' });
    expect(decide(rma(), ev('RmaEscalated', { escalateToCentreId: 'oem' }), network).kind).toBe('HOLD');
    expect(decide(rma({ centreId: 'east' }), ev('RmaEscalated', { escalateToCentreId: 'east' }), network)).toMatchObject({
      kind: 'REFUSE',
    });
    expect(decide(rma({ centreId: 'oem' }), ev('RmaEscalated'), network)).toMatchObject({ kind: 'REFUSE' });
    expect(decide(rma(), ev('RmaEscalated', { escalateToCentreId: 'north' }), network)).toMatchObject({ kind: 'REFUSE' });
  });

  it('lets only the assigned centre or one above it escalate', () => {
    const atEast = rma({ centreId: 'east' });
    expect(decide(atEast, ev('RmaEscalated'), network)).toMatchObject({ kind: 'REFUSE', code: 'NOT_ENTITLED' });
    expect(decide(atEast, ev('RmaEscalated', { actor: { kind: 'centre', centreId: 'east' } }), network).kind).toBe('APPLY');
    expect(decide(atEast, ev('RmaEscalated', { actor: { kind: 'centre', centreId: 'oem' } }), network).kind).toBe('APPLY');
    expect(decide(atEast, ev('RmaEscalated', { actor: { kind: 'hub' } }), network).kind).toBe('APPLY');
  });

  it('records a loaner delivery once', () => {
    expect(decide(rma({ status: 'IN_REPAIR' }), ev('LoanerDelivered'), network).kind).toBe('APPLY');
    expect(decide(rma({ status: 'IN_REPAIR', recorded: ['LoanerDelivered'] }), ev('LoanerDelivered'), network)).toMatchObject({
      kind: 'REFUSE',
      code: 'DUPLICATE',
    });
  });

  it('replays held events oldest first', () => {
    const held = [
      { id: 'c', occurredAt: t(30), receivedAt: t(31) },
      { id: 'a', occurredAt: t(10), receivedAt: t(40) },
      { id: 'b', occurredAt: t(10), receivedAt: t(50) },
    ];
    expect(replayOrder(held).map((h) => h.id)).toEqual(['a', 'b', 'c']);
  });
});
