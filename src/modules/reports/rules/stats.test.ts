import { mean, p90, percent, percentile, round } from './stats';
import { asOfFor, bucketOf, bucketsOf, civilRange } from './periods';

describe('report arithmetic', () => {
  it('percent: one decimal, null when nothing was measured', () => {
    expect(percent(4, 5)).toBe(80);
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(2, 3)).toBe(66.7);
    expect(percent(0, 0)).toBeNull();
  });

  it('p90 by nearest rank: rank ceil(0.9 n) of the sorted values', () => {
    // n = 5: rank ceil(4.5) = 5, the largest.
    expect(p90([3, 0.5, 2, 2.5, 1 / 6])).toBe(3);
    // n = 10: rank 9.
    expect(p90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBe(9);
    // n = 11: rank ceil(9.9) = 10.
    expect(p90([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1])).toBe(10);
    expect(p90([42])).toBe(42);
    expect(p90([])).toBeNull();
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
  });

  it('mean and rounding', () => {
    expect(mean([3, 9, 8])).toBeCloseTo(6.6667, 4);
    expect(mean([])).toBeNull();
    expect(round(1.005, 2)).toBe(1.01);
    expect(round(6.666666, 2)).toBe(6.67);
  });
});

describe('reporting periods (Beijing time)', () => {
  const tz = 'Asia/Shanghai';

  it('a civil range covers whole local days', () => {
    const r = civilRange('2026-01-01', '2026-03-31', tz);
    expect(r.ok && [r.value.start.toISOString(), r.value.end.toISOString()]).toEqual([
      '2025-12-31T16:00:00.000Z',
      '2026-03-31T16:00:00.000Z',
    ]);
    expect(civilRange('2026-03-31', '2026-03-01', tz)).toEqual({ ok: false, error: { field: 'to', message: 'to is before from' } });
    expect(civilRange('2026-3-1', '2026-03-31', tz).ok).toBe(false);
    expect(civilRange('2026-03-01', '2026-03-31', 'Mars/Olympus').ok).toBe(false);
  });

  it('buckets by local month, quarter, half year and year: 31 Mar 23:30 in Beijing is still March', () => {
    const lateMarch = new Date('2026-03-31T15:30:00Z');
    expect(bucketOf(lateMarch, 'MONTH', tz).key).toBe('2026-03');
    expect(bucketOf(new Date('2026-03-31T16:00:00Z'), 'MONTH', tz).key).toBe('2026-04');
    expect(bucketOf(lateMarch, 'QUARTER', tz)).toEqual({
      key: '2026-Q1',
      start: new Date('2025-12-31T16:00:00Z'),
      end: new Date('2026-03-31T16:00:00Z'),
    });
    expect(bucketOf(new Date('2026-07-01T00:00:00Z'), 'HALF_YEAR', tz).key).toBe('2026-H2');
    expect(bucketOf(lateMarch, 'YEAR', tz).key).toBe('2026');
  });

  it('lists every bucket of the range, empty ones included', () => {
    const r = civilRange('2026-01-01', '2026-03-31', tz);
    if (!r.ok) throw new Error('range');
    expect(bucketsOf(r.value, 'MONTH', tz).map((b) => b.key)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(bucketsOf(r.value, 'QUARTER', tz).map((b) => b.key)).toEqual(['2026-Q1']);
    const mid = civilRange('2026-02-15', '2026-08-01', tz);
    if (!mid.ok) throw new Error('range');
    expect(bucketsOf(mid.value, 'QUARTER', tz).map((b) => b.key)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3']);
  });

  it('judges open outcomes at the end of a closed range, at now for a running one', () => {
    const range = { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-04-01T00:00:00Z') };
    expect(asOfFor(range, new Date('2026-11-22T00:00:00Z'))).toEqual(range.end);
    expect(asOfFor(range, new Date('2026-03-15T00:00:00Z'))).toEqual(new Date('2026-03-15T00:00:00Z'));
  });
});
