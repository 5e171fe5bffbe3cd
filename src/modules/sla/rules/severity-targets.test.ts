import { ContractPlanTargets, parsePlanTargets, targetsFor } from './severity-targets';

// Seed 002: P1-P4 with 1/2/4/24 h; response 30 min, on site 2 h for the top severity.
const plan: ContractPlanTargets = {
  P1: { response: 'PT30M', onSite: 'PT2H', restore: 'PT1H' },
  P2: { response: 'PT1H', onSite: 'PT4H', restore: 'PT2H' },
  P3: { response: 'PT2H', restore: 'PT4H' },
  P4: { response: 'PT4H', restore: 'P1D' },
};

describe('targetsFor', () => {
  it('parses the targets of a severity', () => {
    expect(targetsFor(plan, 'P1')).toEqual({
      ok: true,
      value: {
        RESPONSE: { iso: 'PT30M', days: 0, timeMs: 1_800_000 },
        ON_SITE: { iso: 'PT2H', days: 0, timeMs: 7_200_000 },
        RESTORE: { iso: 'PT1H', days: 0, timeMs: 3_600_000 },
      },
    });
  });

  it('on-site is optional (remote-only plans)', () => {
    const r = targetsFor(plan, 'P3');
    expect(r.ok && Object.keys(r.value).sort()).toEqual(['RESPONSE', 'RESTORE']);
  });

  it('keeps day units as days, for the coverage to interpret', () => {
    const r = targetsFor(plan, 'P4');
    expect(r.ok && r.value.RESTORE).toEqual({ iso: 'P1D', days: 1, timeMs: 0 });
  });

  it('reports a missing severity', () => {
    expect(targetsFor({ P1: plan.P1 }, 'P2')).toEqual({ ok: false, error: [{ code: 'MISSING_SEVERITY', severity: 'P2' }] });
  });

  it.each([
    ['1h', 'UNPARSEABLE'],
    ['PT1X', 'UNPARSEABLE'],
    ['-PT1H', 'NEGATIVE'],
    ['P1M', 'UNSUPPORTED_UNIT'],
    ['PT0S', 'ZERO'],
  ])('rejects restore %j as %s', (value, reason) => {
    expect(targetsFor({ P2: { response: 'PT1H', restore: value } }, 'P2')).toEqual({
      ok: false,
      error: [{ code: 'INVALID_TARGET', severity: 'P2', target: 'restore', value, reason }],
    });
  });

  it('reports every problem of a severity at once', () => {
    const bad = { P1: { response: 'soon', onSite: 'P1W', restore: '' } } as ContractPlanTargets;
    const r = targetsFor(bad, 'P1');
    expect(!r.ok && r.error.map((e) => `${e.code}:${'target' in e ? e.target : ''}`)).toEqual([
      'INVALID_TARGET:response',
      'INVALID_TARGET:onSite',
      'MISSING_TARGET:restore',
    ]);
  });

  it('rejects non-string values coming from untyped JSON', () => {
    const r = targetsFor({ P1: { response: 30 as unknown as string, restore: 'PT1H' } }, 'P1');
    expect(!r.ok && r.error).toEqual([{ code: 'INVALID_TARGET', severity: 'P1', target: 'response', value: '30', reason: 'UNPARSEABLE' }]);
  });
});

describe('parsePlanTargets', () => {
  it('parses a full plan', () => {
    const r = parsePlanTargets(plan);
    expect(r.ok && Object.keys(r.value)).toEqual(['P1', 'P2', 'P3', 'P4']);
  });

  it('collects errors across severities', () => {
    const r = parsePlanTargets({ ...plan, P2: { response: 'x', restore: 'PT2H' }, P4: undefined });
    expect(!r.ok && r.error.map((e) => `${e.code}:${e.severity}`)).toEqual(['INVALID_TARGET:P2', 'MISSING_SEVERITY:P4']);
  });
});
