import { loanerCompliance, loanerDueAt } from './loaner-compliance';

const at = (iso: string) => new Date(iso);
// Deadline: local midnight starting working day 6 (Asia/Shanghai); due by the end of that day.
const deadline = at('2025-10-13T16:00:00Z');
const due = loanerDueAt(deadline, 'Asia/Shanghai');

describe('loaner compliance', () => {
  it('is due at the end of the first working day beyond the threshold, local time', () => {
    expect(due.toISOString()).toBe('2025-10-14T16:00:00.000Z');
  });

  it('is NOT_REQUIRED when the repair stayed within the threshold', () => {
    expect(
      loanerCompliance({ required: false, dueAt: null, deliveredAt: null, serviceRestoredAt: null, now: at('2030-01-01T00:00:00Z') }),
    ).toBe('NOT_REQUIRED');
  });

  it('is PENDING until due, BREACHED after', () => {
    const base = { required: true, dueAt: due, deliveredAt: null, serviceRestoredAt: null };
    expect(loanerCompliance({ ...base, now: at('2025-10-14T08:00:00Z') })).toBe('PENDING');
    expect(loanerCompliance({ ...base, now: at('2025-10-14T16:00:01Z') })).toBe('BREACHED');
  });

  it('is KEPT when the loaner arrived in time, LATE when after', () => {
    const base = { required: true, dueAt: due, serviceRestoredAt: null, now: at('2025-11-01T00:00:00Z') };
    expect(loanerCompliance({ ...base, deliveredAt: at('2025-10-14T09:00:00Z') })).toBe('KEPT');
    expect(loanerCompliance({ ...base, deliveredAt: at('2025-10-15T09:00:00Z') })).toBe('LATE');
  });

  it('counts a unit back in service by the due time as kept, after it as breached', () => {
    const base = { required: true, dueAt: due, deliveredAt: null, now: at('2025-11-01T00:00:00Z') };
    expect(loanerCompliance({ ...base, serviceRestoredAt: at('2025-10-14T10:00:00Z') })).toBe('KEPT');
    expect(loanerCompliance({ ...base, serviceRestoredAt: at('2025-10-20T10:00:00Z') })).toBe('BREACHED');
  });
});
