import {
  DEFAULT_ESCALATION_POLICY,
  EscalationPolicy,
  EscalationState,
  applyEscalation,
  decideEscalation,
  validateEscalationPolicy,
  warningDue,
} from './escalation';

const base: EscalationState = { severity: 'P4', managementLevel: 'ENGINEER', supportTier: 1 };

describe('decideEscalation with the default policy', () => {
  it('a missed response deadline raises severity and management, not the tier', () => {
    expect(decideEscalation(base, 'RESPONSE', DEFAULT_ESCALATION_POLICY)).toEqual([
      { kind: 'RAISE_SEVERITY', from: 'P4', to: 'P3', clockKind: 'RESPONSE', reason: 'response deadline missed: severity P4 → P3' },
      {
        kind: 'RAISE_MANAGEMENT_LEVEL',
        from: 'ENGINEER',
        to: 'TEAM_LEAD',
        clockKind: 'RESPONSE',
        reason: 'response deadline missed: notify TEAM_LEAD (was ENGINEER)',
      },
    ]);
  });

  it('a missed restore deadline also pulls in the next support tier', () => {
    expect(decideEscalation(base, 'RESTORE').map((s) => [s.kind, s.from, s.to])).toEqual([
      ['RAISE_SEVERITY', 'P4', 'P3'],
      ['RAISE_MANAGEMENT_LEVEL', 'ENGINEER', 'TEAM_LEAD'],
      ['RAISE_SUPPORT_TIER', 1, 2],
    ]);
  });

  it('climbs one step per breach until every ceiling is reached', () => {
    const seen: EscalationState[] = [base];
    let s = base;
    for (let i = 0; i < 5; i++) {
      s = applyEscalation(s, decideEscalation(s, 'RESTORE'));
      seen.push(s);
    }
    expect(seen).toEqual([
      { severity: 'P4', managementLevel: 'ENGINEER', supportTier: 1 },
      { severity: 'P3', managementLevel: 'TEAM_LEAD', supportTier: 2 },
      { severity: 'P2', managementLevel: 'SERVICE_MANAGER', supportTier: 3 },
      { severity: 'P1', managementLevel: 'DIRECTOR', supportTier: 3 },
      { severity: 'P1', managementLevel: 'DIRECTOR', supportTier: 3 },
      { severity: 'P1', managementLevel: 'DIRECTOR', supportTier: 3 },
    ]);
  });

  it.each<[EscalationState, string[]]>([
    [{ severity: 'P1', managementLevel: 'ENGINEER', supportTier: 1 }, ['RAISE_MANAGEMENT_LEVEL', 'RAISE_SUPPORT_TIER']],
    [{ severity: 'P2', managementLevel: 'DIRECTOR', supportTier: 1 }, ['RAISE_SEVERITY', 'RAISE_SUPPORT_TIER']],
    [{ severity: 'P2', managementLevel: 'TEAM_LEAD', supportTier: 3 }, ['RAISE_SEVERITY', 'RAISE_MANAGEMENT_LEVEL']],
    [{ severity: 'P1', managementLevel: 'DIRECTOR', supportTier: 3 }, []],
  ])('ceilings: %j → %j', (state, kinds) => {
    expect(decideEscalation(state, 'RESTORE').map((s) => s.kind)).toEqual(kinds);
  });
});

describe('custom policies', () => {
  const notifyOnly: EscalationPolicy = {
    warnAtRatio: 0.8,
    onBreach: {
      RESPONSE: { raiseSeverity: false, raiseManagementLevel: true, raiseSupportTier: false },
      ON_SITE: { raiseSeverity: false, raiseManagementLevel: false, raiseSupportTier: false },
      RESTORE: { raiseSeverity: false, raiseManagementLevel: false, raiseSupportTier: true },
    },
  };
  it.each([
    ['RESPONSE', ['RAISE_MANAGEMENT_LEVEL']],
    ['ON_SITE', []],
    ['RESTORE', ['RAISE_SUPPORT_TIER']],
  ] as const)('%s → %j', (clock, kinds) => {
    expect(decideEscalation(base, clock, notifyOnly).map((s) => s.kind)).toEqual(kinds);
  });

  it('validates the policy', () => {
    expect(validateEscalationPolicy(DEFAULT_ESCALATION_POLICY)).toEqual([]);
    expect(validateEscalationPolicy({ ...notifyOnly, warnAtRatio: 1.5 })).toEqual([
      { code: 'INVALID_POLICY', field: 'warnAtRatio', value: 1.5 },
    ]);
    const broken = { warnAtRatio: 0.75, onBreach: { RESPONSE: notifyOnly.onBreach.RESPONSE } } as unknown as EscalationPolicy;
    expect(validateEscalationPolicy(broken).map((e) => e.field)).toEqual(['onBreach.ON_SITE', 'onBreach.RESTORE']);
  });

  it('warningDue follows warnAtRatio', () => {
    expect(warningDue(74, 100)).toBe(false);
    expect(warningDue(75, 100)).toBe(true);
    expect(warningDue(75, 100, notifyOnly)).toBe(false);
    expect(warningDue(0, 0)).toBe(true);
  });
});
