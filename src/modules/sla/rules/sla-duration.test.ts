import { Duration } from 'luxon';
import { InvalidDurationError, parseSlaDuration, parseSlaDurationOrThrow } from './sla-duration';

describe('parseSlaDuration', () => {
  it.each([
    ['PT5S', 0, 5_000],
    ['PT30M', 0, 1_800_000],
    ['PT4H', 0, 14_400_000],
    ['PT1.5H', 0, 5_400_000],
    ['P1D', 1, 0],
    ['P0.5D', 0.5, 0],
    ['P1DT2H30M', 1, 9_000_000],
    ['PT0S', 0, 0],
    [' PT1H ', 0, 3_600_000],
  ])('%j → days %d, timeMs %d', (input, days, timeMs) => {
    const r = parseSlaDuration(input);
    expect(r).toEqual({ ok: true, value: { iso: input.trim(), days, timeMs } });
  });

  it.each([
    ['', 'UNPARSEABLE'],
    ['P', 'UNPARSEABLE'],
    ['PT', 'UNPARSEABLE'],
    ['1h', 'UNPARSEABLE'],
    ['pt30m', 'UNPARSEABLE'],
    ['P1H', 'UNPARSEABLE'],
    ['-PT1H', 'NEGATIVE'],
    ['PT-30M', 'NEGATIVE'],
    ['P1M', 'UNSUPPORTED_UNIT'],
    ['P1W', 'UNSUPPORTED_UNIT'],
    ['P1Y', 'UNSUPPORTED_UNIT'],
  ])('%j is rejected as %s', (input, reason) => {
    expect(parseSlaDuration(input)).toEqual({ ok: false, error: { code: 'INVALID_DURATION', input, reason } });
  });

  it('accepts luxon Durations and already-parsed values', () => {
    const r = parseSlaDuration(Duration.fromObject({ hours: 2, minutes: 15 }));
    expect(r).toEqual({ ok: true, value: { iso: 'PT2H15M', days: 0, timeMs: 8_100_000 } });
    const parsed = parseSlaDurationOrThrow('P1D');
    expect(parseSlaDuration(parsed)).toEqual({ ok: true, value: parsed });
    expect(parseSlaDuration(Duration.invalid('nope')).ok).toBe(false);
  });

  it('throws a typed error on demand', () => {
    expect(() => parseSlaDurationOrThrow('P2M')).toThrow(InvalidDurationError);
    try {
      parseSlaDurationOrThrow('P2M');
    } catch (e) {
      expect((e as InvalidDurationError).detail).toEqual({ code: 'INVALID_DURATION', input: 'P2M', reason: 'UNSUPPORTED_UNIT' });
    }
  });
});
