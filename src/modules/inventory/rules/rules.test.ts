import { deliveryMinutesToSite } from './coverage';
import { checkDuration } from './duration';
import { earliestEndOfSupply, eolNoticeLongEnough } from './eol';
import { lowStockTransition, suggestedReorderQuantity } from './low-stock';
import { rankSpares, SpareCandidate } from './spare-ranking';
import { countsAfterMove } from './stock-move';
import { decideStockTakeLine } from './stock-take';

describe('checkDuration', () => {
  it('accepts day and clock units', () => {
    expect(checkDuration('PT2H')).toEqual({ ok: true, ms: 2 * 3600_000, iso: 'PT2H' });
    expect(checkDuration('P1DT30M')).toMatchObject({ ok: true, ms: (24 * 60 + 30) * 60_000 });
  });
  it('refuses garbage, zero and calendar units', () => {
    expect(checkDuration('2 hours')).toEqual({ ok: false, reason: 'UNPARSEABLE' });
    expect(checkDuration('PT0S')).toEqual({ ok: false, reason: 'NOT_POSITIVE' });
    expect(checkDuration('P1M')).toEqual({ ok: false, reason: 'UNSUPPORTED_UNIT' });
    expect(checkDuration('P1Y')).toEqual({ ok: false, reason: 'UNSUPPORTED_UNIT' });
  });
});

describe('lowStockTransition', () => {
  it('raises once when available drops below the reorder point', () => {
    expect(lowStockTransition({ available: 4, reorderPoint: 5, alertOpen: false })).toBe('RAISE');
    expect(lowStockTransition({ available: 3, reorderPoint: 5, alertOpen: true })).toBe('NONE');
  });
  it('does not raise at the point itself, nor without a policy', () => {
    expect(lowStockTransition({ available: 5, reorderPoint: 5, alertOpen: false })).toBe('NONE');
    expect(lowStockTransition({ available: 0, reorderPoint: 0, alertOpen: false })).toBe('NONE');
  });
  it('clears only above the point (hysteresis of one unit)', () => {
    expect(lowStockTransition({ available: 5, reorderPoint: 5, alertOpen: true })).toBe('NONE');
    expect(lowStockTransition({ available: 6, reorderPoint: 5, alertOpen: true })).toBe('CLEAR');
  });
  it('suggests at least the reorder quantity and at least the shortfall', () => {
    expect(suggestedReorderQuantity({ available: 4, reorderPoint: 5, reorderQuantity: 10 })).toBe(10);
    expect(suggestedReorderQuantity({ available: 0, reorderPoint: 20, reorderQuantity: 10 })).toBe(20);
    expect(suggestedReorderQuantity({ available: 4, reorderPoint: 5, reorderQuantity: 0 })).toBe(1);
  });
});

describe('decideStockTakeLine', () => {
  it('matches when nothing differs', () => {
    expect(decideStockTakeLine(10, 10)).toEqual({ difference: 0, outcome: 'MATCHED' });
  });
  it('adjusts small differences at once', () => {
    expect(decideStockTakeLine(100, 95)).toEqual({ difference: -5, outcome: 'ADJUST' });
    expect(decideStockTakeLine(20, 22)).toEqual({ difference: 2, outcome: 'ADJUST' });
  });
  it('asks for approval above 5 units or above 10 %', () => {
    expect(decideStockTakeLine(100, 94)).toEqual({ difference: -6, outcome: 'NEEDS_APPROVAL', approvalReason: 'OVER_THRESHOLD' });
    expect(decideStockTakeLine(10, 8).outcome).toBe('NEEDS_APPROVAL');
    expect(decideStockTakeLine(10, 9).outcome).toBe('ADJUST');
    expect(decideStockTakeLine(0, 1).outcome).toBe('NEEDS_APPROVAL');
  });
  it('asks for approval when the count is below what is reserved', () => {
    expect(decideStockTakeLine(100, 97, undefined, 98)).toEqual({
      difference: -3,
      outcome: 'NEEDS_APPROVAL',
      approvalReason: 'BELOW_RESERVED',
    });
    expect(decideStockTakeLine(100, 97, undefined, 97).outcome).toBe('ADJUST');
  });
  it('honours a custom threshold and refuses negative counts', () => {
    expect(decideStockTakeLine(10, 8, { maxUnits: 5, maxPercent: 50 }).outcome).toBe('ADJUST');
    expect(() => decideStockTakeLine(10, -1)).toThrow(RangeError);
  });
});

describe('deliveryMinutesToSite', () => {
  const site = { id: 'site-1', region: 'CN-EAST' };
  it('uses the region row, and a site row overrides it for the same depot', () => {
    const minutes = deliveryMinutesToSite(
      [
        { depotId: 'sh', region: 'CN-EAST', siteId: null, deliveryMinutes: 120 },
        { depotId: 'sh', region: null, siteId: 'site-1', deliveryMinutes: 240 },
        { depotId: 'bj', region: 'CN-EAST', siteId: null, deliveryMinutes: 480 },
        { depotId: 'gz', region: 'CN-SOUTH', siteId: null, deliveryMinutes: 60 },
        { depotId: 'xx', region: null, siteId: 'site-2', deliveryMinutes: 10 },
      ],
      site,
    );
    expect([...minutes.entries()].sort()).toEqual([
      ['bj', 480],
      ['sh', 240],
    ]);
  });
});

describe('rankSpares', () => {
  const now = new Date('2025-03-03T08:00:00Z');
  const c = (
    depotCode: string,
    deliveryMinutes: number | null,
    available = 5,
    condition: 'NEW' | 'REFURBISHED' = 'NEW',
  ): SpareCandidate => ({
    depotId: depotCode,
    depotCode,
    condition,
    available,
    deliveryMinutes,
  });

  it('puts depots that meet the deadline first, then by delivery time, uncovered last', () => {
    const ranked = rankSpares([c('FAR', 600), c('NONE', null), c('NEAR', 90), c('MID', 180)], {
      now,
      deadline: new Date(now.getTime() + 4 * 3600_000),
      quantity: 1,
    });
    expect(ranked.map((r) => [r.depotCode, r.meetsDeadline])).toEqual([
      ['NEAR', true],
      ['MID', true],
      ['FAR', false],
      ['NONE', false],
    ]);
    expect(ranked[0].estimatedArrival).toEqual(new Date(now.getTime() + 90 * 60_000));
    expect(ranked[3].estimatedArrival).toBeNull();
  });

  it('counts arrival exactly at the deadline as in time', () => {
    const [r] = rankSpares([c('A', 120)], { now, deadline: new Date(now.getTime() + 120 * 60_000), quantity: 1 });
    expect(r.meetsDeadline).toBe(true);
  });

  it('drops depots without enough stock and prefers new parts at equal speed', () => {
    const ranked = rankSpares([c('A', 60, 1), c('B', 60, 3, 'REFURBISHED'), c('B', 60, 2, 'NEW')], {
      now,
      deadline: now,
      quantity: 2,
    });
    expect(ranked.map((r) => `${r.depotCode}/${r.condition}`)).toEqual(['B/NEW', 'B/REFURBISHED']);
  });
});

describe('EOL notice period', () => {
  const now = new Date('2025-01-31T00:00:00Z');
  it('requires six calendar months', () => {
    expect(earliestEndOfSupply(now).toISOString()).toBe('2025-07-31T00:00:00.000Z');
    expect(eolNoticeLongEnough(now, new Date('2025-07-31T00:00:00Z'))).toBe(true);
    expect(eolNoticeLongEnough(now, new Date('2025-07-30T23:59:59Z'))).toBe(false);
  });
});

describe('countsAfterMove', () => {
  it('applies the deltas when onHand, reserved and available all stay >= 0', () => {
    expect(countsAfterMove({ onHand: 5, reserved: 2 }, { onHand: 0, reserved: 3 })).toEqual({ onHand: 5, reserved: 5 });
    expect(countsAfterMove({ onHand: 5, reserved: 5 }, { onHand: -2, reserved: -2 })).toEqual({ onHand: 3, reserved: 3 });
  });
  it('refuses a reservation beyond available, an adjustment below reserved, a release of more than reserved', () => {
    expect(countsAfterMove({ onHand: 5, reserved: 5 }, { onHand: 0, reserved: 1 })).toBeNull();
    expect(countsAfterMove({ onHand: 5, reserved: 4 }, { onHand: -2, reserved: 0 })).toBeNull();
    expect(countsAfterMove({ onHand: 5, reserved: 1 }, { onHand: 0, reserved: -2 })).toBeNull();
  });
});
