import { CHINA_5X8, businessHoursCoverage, dailyCoveredMs, parseClockTime, validateCoverage, windowMinutes } from './coverage';

describe('businessHoursCoverage', () => {
  it('accepts and sorts valid windows', () => {
    const r = businessHoursCoverage([
      { start: '13:30', end: '17:30' },
      { start: '08:30', end: '12:00' },
    ]);
    expect(r).toEqual({
      ok: true,
      value: {
        kind: 'BUSINESS_HOURS',
        windows: [
          { start: '08:30', end: '12:00' },
          { start: '13:30', end: '17:30' },
        ],
        timeZone: 'Asia/Shanghai',
      },
    });
  });

  it('allows 24:00 as an end and adjacent windows', () => {
    expect(
      businessHoursCoverage([
        { start: '00:00', end: '12:00' },
        { start: '12:00', end: '24:00' },
      ]).ok,
    ).toBe(true);
  });

  it.each([
    [[{ start: '08:30', end: '17:30' }], 'Mars/Olympus', 'INVALID_TIME_ZONE'],
    [[], 'Asia/Shanghai', 'NO_WINDOWS'],
    [[{ start: '8:30', end: '17:30' }], 'Asia/Shanghai', 'INVALID_WINDOW'],
    [[{ start: '22:00', end: '06:00' }], 'Asia/Shanghai', 'INVALID_WINDOW'],
    [[{ start: '09:00', end: '09:00' }], 'Asia/Shanghai', 'INVALID_WINDOW'],
    [[{ start: '24:00', end: '24:00' }], 'Asia/Shanghai', 'INVALID_WINDOW'],
    [[{ start: '09:00', end: '24:30' }], 'Asia/Shanghai', 'INVALID_WINDOW'],
    [
      [
        { start: '08:30', end: '12:30' },
        { start: '12:00', end: '17:30' },
      ],
      'Asia/Shanghai',
      'OVERLAPPING_WINDOWS',
    ],
  ])('%j in %s → %s', (windows, tz, code) => {
    const r = businessHoursCoverage(windows, tz);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it('validateCoverage passes 24x7 through', () => {
    expect(validateCoverage({ kind: '24x7' })).toEqual({ ok: true, value: { kind: '24x7' } });
    expect(validateCoverage({ kind: 'BUSINESS_HOURS', windows: [], timeZone: 'Asia/Shanghai' }).ok).toBe(false);
  });
});

describe('helpers', () => {
  it.each([
    ['00:00', 0],
    ['08:30', 510],
    ['24:00', 1440],
    ['24:01', undefined],
    ['7:00', undefined],
    ['12:60', undefined],
  ])('parseClockTime(%s) → %s', (s, m) => {
    expect(parseClockTime(s)).toBe(m);
  });

  it('5x8 is nine covered hours a day', () => {
    expect(windowMinutes(CHINA_5X8)).toEqual([{ start: 510, end: 1050 }]);
    expect(dailyCoveredMs(CHINA_5X8)).toBe(9 * 3_600_000);
  });

  it('refuses to compute with invalid coverage', () => {
    expect(() => windowMinutes({ kind: 'BUSINESS_HOURS', windows: [{ start: '18:00', end: '08:00' }], timeZone: 'Asia/Shanghai' })).toThrow(
      RangeError,
    );
  });
});
