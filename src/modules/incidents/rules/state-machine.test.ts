import {
  ACTIVE_STATUSES,
  CLOCKS_STARTED_ON_CREATE,
  INCIDENT_STATUSES,
  IncidentStatus,
  allowedTransitions,
  assertTransition,
  clockEffects,
  isTerminal,
} from './state-machine';

describe('assertTransition — allowed', () => {
  it.each<[IncidentStatus, IncidentStatus]>([
    ['NEW', 'ACKNOWLEDGED'],
    ['ACKNOWLEDGED', 'IN_PROGRESS'],
    ['IN_PROGRESS', 'ON_SITE'],
    ['ON_SITE', 'AWAITING_PARTS'],
    ['AWAITING_PARTS', 'RESTORED'],
    ['AWAITING_PARTS', 'ON_SITE'],
    ['IN_PROGRESS', 'RESTORED'],
    ['ON_SITE', 'RESTORED'],
    ['ACKNOWLEDGED', 'ON_SITE'],
    ['RESTORED', 'IN_PROGRESS'],
    ['NEW', 'CANCELLED'],
    ['AWAITING_CUSTOMER', 'CANCELLED'],
    ['RESTORED', 'CANCELLED'],
  ])('%s → %s', (from, to) => {
    const r = assertTransition(from, to);
    expect(r.ok).toBe(true);
  });

  it.each(ACTIVE_STATUSES)('AWAITING_CUSTOMER is reachable from %s and leads back to it', (s) => {
    expect(assertTransition(s, 'AWAITING_CUSTOMER').ok).toBe(true);
    expect(assertTransition('AWAITING_CUSTOMER', s).ok).toBe(true);
  });
});

describe('assertTransition — rejected with a typed failure', () => {
  it.each<[IncidentStatus, IncidentStatus]>([
    ['NEW', 'IN_PROGRESS'],
    ['NEW', 'RESTORED'],
    ['NEW', 'AWAITING_CUSTOMER'],
    ['ACKNOWLEDGED', 'RESTORED'],
    ['IN_PROGRESS', 'IN_PROGRESS'],
    ['IN_PROGRESS', 'CLOSED'],
    ['AWAITING_CUSTOMER', 'RESTORED'],
    ['RESTORED', 'ON_SITE'],
    ['CLOSED', 'IN_PROGRESS'],
    ['CLOSED', 'CANCELLED'],
    ['CANCELLED', 'NEW'],
  ])('%s → %s', (from, to) => {
    expect(assertTransition(from, to, { customerConsent: true })).toEqual({
      ok: false,
      error: { code: 'INVALID_TRANSITION', from, to, allowed: allowedTransitions(from) },
    });
  });

  it('lists the allowed targets', () => {
    const r = assertTransition('NEW', 'RESTORED');
    expect(!r.ok && r.error.code === 'INVALID_TRANSITION' && r.error.allowed).toEqual(['ACKNOWLEDGED', 'CANCELLED']);
  });

  it.each([undefined, false])('closing needs customer consent (consent=%s)', (customerConsent) => {
    expect(assertTransition('RESTORED', 'CLOSED', { customerConsent })).toEqual({
      ok: false,
      error: { code: 'CUSTOMER_CONSENT_REQUIRED', from: 'RESTORED', to: 'CLOSED' },
    });
  });

  it('closes with consent', () => {
    expect(assertTransition('RESTORED', 'CLOSED', { customerConsent: true })).toEqual({
      ok: true,
      value: { from: 'RESTORED', to: 'CLOSED', clockEffects: [] },
    });
  });
});

describe('table invariants', () => {
  it('terminal states have no way out; every other state can be cancelled', () => {
    for (const s of INCIDENT_STATUSES) {
      if (isTerminal(s)) expect(allowedTransitions(s)).toEqual([]);
      else expect(allowedTransitions(s)).toContain('CANCELLED');
    }
  });

  it('CLOSED is reachable only from RESTORED', () => {
    expect(INCIDENT_STATUSES.filter((s) => allowedTransitions(s).includes('CLOSED'))).toEqual(['RESTORED']);
  });

  it('no self-transitions', () => {
    for (const s of INCIDENT_STATUSES) expect(allowedTransitions(s)).not.toContain(s);
  });
});

describe('clock effects', () => {
  it('all clocks start on creation', () => {
    expect(CLOCKS_STARTED_ON_CREATE).toEqual(['RESPONSE', 'ON_SITE', 'RESTORE']);
  });

  it.each<[IncidentStatus, IncidentStatus, ReturnType<typeof clockEffects>]>([
    ['NEW', 'ACKNOWLEDGED', [{ clock: 'RESPONSE', action: 'STOP' }]],
    ['ACKNOWLEDGED', 'IN_PROGRESS', []],
    ['IN_PROGRESS', 'ON_SITE', [{ clock: 'ON_SITE', action: 'STOP' }]],
    ['ON_SITE', 'AWAITING_PARTS', []],
    [
      'AWAITING_PARTS',
      'RESTORED',
      [
        { clock: 'RESTORE', action: 'STOP' },
        { clock: 'ON_SITE', action: 'STOP' },
      ],
    ],
    ['IN_PROGRESS', 'AWAITING_CUSTOMER', [{ clock: 'RESTORE', action: 'PAUSE' }]],
    ['AWAITING_CUSTOMER', 'IN_PROGRESS', [{ clock: 'RESTORE', action: 'RESUME' }]],
    [
      'AWAITING_CUSTOMER',
      'ON_SITE',
      [
        { clock: 'RESTORE', action: 'RESUME' },
        { clock: 'ON_SITE', action: 'STOP' },
      ],
    ],
    ['RESTORED', 'IN_PROGRESS', [{ clock: 'RESTORE', action: 'REOPEN' }]],
    ['RESTORED', 'CLOSED', []],
    [
      'AWAITING_CUSTOMER',
      'CANCELLED',
      [
        { clock: 'RESPONSE', action: 'CANCEL' },
        { clock: 'ON_SITE', action: 'CANCEL' },
        { clock: 'RESTORE', action: 'CANCEL' },
      ],
    ],
  ])('%s → %s', (from, to, effects) => {
    expect(clockEffects(from, to)).toEqual(effects);
    const r = assertTransition(from, to, { customerConsent: true });
    expect(r.ok && r.value.clockEffects).toEqual(effects);
  });
});
