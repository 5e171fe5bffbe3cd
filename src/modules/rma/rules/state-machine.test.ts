import { isTerminal, nextStatuses, RMA_STATUSES, STATUS_TRIGGERS, transition, TRANSITIONS } from './state-machine';

describe('RMA state machine', () => {
  it('walks the main line to RETURNED_TO_CUSTOMER', () => {
    const steps = ['RmaApproved', 'DefectiveReceived', 'RepairStarted', 'RepairCompleted', 'UnitReturned'] as const;
    let status = 'REQUESTED' as (typeof RMA_STATUSES)[number];
    const seen = [status];
    for (const step of steps) {
      const r = transition(status, step);
      if (!r.ok) throw new Error(`${step} refused in ${status}`);
      status = r.restsIn;
      seen.push(status);
    }
    expect(seen).toEqual(['REQUESTED', 'APPROVED', 'RECEIVED', 'IN_REPAIR', 'REPAIRED', 'RETURNED_TO_CUSTOMER']);
    expect(isTerminal(status)).toBe(true);
  });

  it('records ADVANCE_REPLACEMENT_SHIPPED as a step that settles in AWAITING_DEFECTIVE_RETURN', () => {
    expect(transition('APPROVED', 'AdvanceReplacementShipped')).toEqual({
      ok: true,
      from: 'APPROVED',
      to: 'ADVANCE_REPLACEMENT_SHIPPED',
      restsIn: 'AWAITING_DEFECTIVE_RETURN',
    });
    expect(transition('AWAITING_DEFECTIVE_RETURN', 'DefectiveReceived')).toMatchObject({ ok: true, restsIn: 'RECEIVED' });
  });

  it('refuses moves the table does not list', () => {
    expect(transition('REQUESTED', 'DefectiveReceived')).toEqual({
      ok: false,
      from: 'REQUESTED',
      trigger: 'DefectiveReceived',
      allowedFrom: ['APPROVED', 'AWAITING_DEFECTIVE_RETURN'],
    });
    expect(transition('IN_REPAIR', 'RmaRejected').ok).toBe(false);
    expect(transition('APPROVED', 'UnitReplaced').ok).toBe(false);
    expect(transition('RECEIVED', 'Expire').ok).toBe(false);
  });

  it('has no way out of a terminal status', () => {
    for (const status of RMA_STATUSES.filter(isTerminal)) {
      expect(nextStatuses(status)).toEqual([]);
      for (const trigger of STATUS_TRIGGERS) expect(transition(status, trigger).ok).toBe(false);
    }
  });

  it('expires only while waiting for the defective unit', () => {
    expect(TRANSITIONS.Expire.from).toEqual(['APPROVED', 'AWAITING_DEFECTIVE_RETURN']);
  });

  it('reaches every status from REQUESTED', () => {
    const reached = new Set<string>(['REQUESTED']);
    let frontier = ['REQUESTED'] as (typeof RMA_STATUSES)[number][];
    while (frontier.length) {
      const next = frontier.flatMap((s) => STATUS_TRIGGERS.map((t) => transition(s, t)).flatMap((r) => (r.ok ? [r.to, r.restsIn] : [])));
      frontier = next.filter((s) => !reached.has(s));
      for (const s of frontier) reached.add(s);
    }
    expect([...reached].sort()).toEqual([...RMA_STATUSES].sort());
  });
});
