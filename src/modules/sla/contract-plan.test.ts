import { DistanceClass } from '../customers/customer.entity';
import { onSiteTargetFor, planForDistance, progressIntervalMs, StoredTargets, validatePlan } from './contract-plan';

const SEVEN_BY_24 = { type: 'SEVEN_BY_24' as const, windows: [] };
const FIVE_BY_EIGHT = { type: 'BUSINESS_HOURS' as const, windows: [{ start: '08:30', end: '17:30' }] };

const plan = (over: Partial<StoredTargets> = {}): StoredTargets => ({
  P1: { response: 'PT30M', onSite: { URBAN: 'PT2H', SUBURBAN: 'PT4H', REMOTE: 'PT8H' }, restore: 'PT4H' },
  P2: { response: 'PT1H', onSite: { URBAN: 'PT4H', SUBURBAN: 'PT6H', REMOTE: 'PT12H' }, restore: 'PT8H' },
  P3: { response: 'PT2H', onSite: { URBAN: 'PT8H', SUBURBAN: 'PT12H', REMOTE: 'P1D' }, restore: 'P1D' },
  P4: { response: 'PT4H', restore: 'P3D' },
  ...over,
});

describe('on-site targets by distance class', () => {
  it('inherits a missing class from the closer one', () => {
    const t = { response: 'PT1H', restore: 'PT8H', onSite: { URBAN: 'PT4H', REMOTE: 'P1D' } };
    expect(onSiteTargetFor(t, DistanceClass.URBAN)).toBe('PT4H');
    expect(onSiteTargetFor(t, DistanceClass.SUBURBAN)).toBe('PT4H');
    expect(onSiteTargetFor(t, DistanceClass.REMOTE)).toBe('P1D');
    expect(onSiteTargetFor({ response: 'PT1H', restore: 'PT8H' }, DistanceClass.REMOTE)).toBeUndefined();
  });

  it('turns into the rules plan per class', () => {
    expect(planForDistance(plan(), DistanceClass.REMOTE).P1).toEqual({ response: 'PT30M', onSite: 'PT8H', restore: 'PT4H' });
    expect(planForDistance(plan(), DistanceClass.REMOTE).P4).toEqual({ response: 'PT4H', restore: 'P3D' });
  });
});

describe('validatePlan', () => {
  it('accepts a realistic plan', () => {
    expect(validatePlan(SEVEN_BY_24, plan(), 'Asia/Shanghai')).toEqual([]);
    const standard: StoredTargets = {
      P1: { response: 'PT30M', onSite: { URBAN: 'PT4H', SUBURBAN: 'PT8H', REMOTE: 'P1D' }, restore: 'P1D' },
      P2: { response: 'PT2H', onSite: { URBAN: 'P1D' }, restore: 'P2D' },
      P3: { response: 'PT4H', onSite: { URBAN: 'P2D' }, restore: 'P3D' },
      P4: { response: 'P1D', restore: 'P5D' },
    };
    expect(validatePlan(FIVE_BY_EIGHT, standard, 'Asia/Shanghai')).toEqual([]);
    // The 7x24 plan read as business hours: P1D is 9 covered hours there, shorter than PT12H.
    expect(validatePlan(FIVE_BY_EIGHT, plan(), 'Asia/Shanghai')).toContainEqual(
      expect.objectContaining({ field: 'targets.P3.onSite.remote' }),
    );
  });

  it('requires every severity, valid durations and a usable coverage', () => {
    const { P4: _drop, ...rest } = plan();
    const fields = validatePlan(
      { type: 'BUSINESS_HOURS', windows: [] },
      { ...rest, P1: { ...rest.P1!, restore: 'P1M' } },
      'Asia/Shanghai',
    ).map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['coverage', 'targets.P4', 'targets.P1.restore']));
    expect(validatePlan(SEVEN_BY_24, plan({ P2: { response: 'PT0S', restore: 'PT8H' } }), 'UTC').map((p) => p.field)).toContain(
      'targets.P2.response',
    );
  });

  it('refuses a plan where escalation would relax a deadline or a farther site is promised sooner', () => {
    const slowerP1 = validatePlan(SEVEN_BY_24, plan({ P1: { response: 'PT2H', restore: 'PT4H' } }), 'UTC');
    expect(slowerP1).toContainEqual(expect.objectContaining({ field: 'targets.P1.response' }));
    const nearerRemote = validatePlan(
      SEVEN_BY_24,
      plan({ P1: { response: 'PT30M', onSite: { URBAN: 'PT4H', REMOTE: 'PT2H' }, restore: 'PT4H' } }),
      'UTC',
    );
    expect(nearerRemote).toContainEqual(expect.objectContaining({ field: 'targets.P1.onSite.remote' }));
    const noUrban = validatePlan(SEVEN_BY_24, plan({ P3: { response: 'PT2H', onSite: { REMOTE: 'P1D' }, restore: 'P1D' } }), 'UTC');
    expect(noUrban).toContainEqual(expect.objectContaining({ field: 'targets.P3.onSite.urban' }));
  });

  it("compares day targets in the coverage's own terms (P1D = one working day = 9 h in 5x8)", () => {
    // PT10H is longer than one 5x8 working day: a P2 restore of P1D after a P1 restore of PT10H is a relaxation.
    const p = plan({ P1: { response: 'PT30M', restore: 'PT10H' }, P2: { response: 'PT1H', restore: 'P1D' } });
    expect(validatePlan(FIVE_BY_EIGHT, p, 'Asia/Shanghai')).toContainEqual(expect.objectContaining({ field: 'targets.P1.restore' }));
    expect(validatePlan(SEVEN_BY_24, p, 'Asia/Shanghai').filter((x) => x.field === 'targets.P1.restore')).toEqual([]);
  });
});

describe('progressIntervalMs', () => {
  it('reads wall-clock intervals and refuses sub-second ones', () => {
    expect(progressIntervalMs('PT1H')).toEqual({ ok: true, value: 3_600_000 });
    expect(progressIntervalMs('PT2S')).toEqual({ ok: true, value: 2000 });
    expect(progressIntervalMs('PT0.5S').ok).toBe(false);
    expect(progressIntervalMs('soon').ok).toBe(false);
  });
});
