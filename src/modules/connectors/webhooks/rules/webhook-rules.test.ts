import { eventAudience, eventCategory, matchesPatterns, mayReceive, retryDelayMs } from './event-routing';

describe('webhook routing rules', () => {
  it('event categories and patterns', () => {
    expect(
      ['IncidentEscalated', 'RmaRequested', 'LoanerAssigned', 'PartEolAnnounced', 'StockAlertRaised', 'ComplaintClockBreached'].map(
        eventCategory,
      ),
    ).toEqual(['incident', 'rma', 'loaner', 'stock', 'stock', 'complaint']);
    expect(matchesPatterns(['incident.*'], 'IncidentEscalated')).toBe(true);
    expect(matchesPatterns(['incident.*'], 'RmaRequested')).toBe(false);
    expect(matchesPatterns(['rma.RmaExpired', 'LoanerAssigned'], 'RmaExpired')).toBe(true);
    expect(matchesPatterns(['rma.RmaExpired', 'LoanerAssigned'], 'LoanerAssigned')).toBe(true);
    expect(matchesPatterns(['*'], 'Anything')).toBe(true);
  });

  it('a tenant receives only events naming its own id; an event naming nobody is staff-only', () => {
    const incident = eventAudience({ payload: { incidentId: 'i', customerId: 'c1', assignedCentreId: 'p1' } });
    expect(mayReceive({ role: 'CUSTOMER', scopeId: 'c1' }, incident)).toBe(true);
    expect(mayReceive({ role: 'CUSTOMER', scopeId: 'c2' }, incident)).toBe(false);
    expect(mayReceive({ role: 'PARTNER', scopeId: 'p1' }, incident)).toBe(true);
    expect(mayReceive({ role: 'WAREHOUSE', scopeId: 'p1' }, incident)).toBe(false);
    const anonymous = eventAudience({ payload: { rmaNumber: 'R1' } });
    expect(mayReceive({ role: 'CUSTOMER', scopeId: 'c1' }, anonymous)).toBe(false);
    expect(mayReceive({ role: 'ADMIN', scopeId: null }, anonymous)).toBe(true);
    expect(eventAudience({ payload: { notifiedCustomerIds: ['a', 'b'] } }).customerIds).toEqual(['a', 'b']);
  });

  it('backoff doubles per attempt, with jitter in the upper half, capped', () => {
    expect(retryDelayMs(1, 1000, 60_000, 0)).toBe(500);
    expect(retryDelayMs(1, 1000, 60_000, 1)).toBe(1000);
    expect(retryDelayMs(4, 1000, 60_000, 1)).toBe(8000);
    expect(retryDelayMs(40, 1000, 60_000, 1)).toBe(60_000);
  });
});
