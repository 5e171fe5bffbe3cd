import { formatRmaNumber, isValidRmaNumber } from './rma-number';

describe('RMA numbers', () => {
  it('formats the hub sequence per year, six digits and growing beyond', () => {
    expect(formatRmaNumber(2026, 123)).toBe('RMA-2026-000123');
    expect(formatRmaNumber(2026, 1234567)).toBe('RMA-2026-1234567');
    expect(() => formatRmaNumber(2026, 0)).toThrow(RangeError);
  });

  it('accepts centre numbers usable as keys', () => {
    expect(isValidRmaNumber('RMA-2026-000123')).toBe(true);
    expect(isValidRmaNumber('SH01-77821')).toBe(true);
    expect(isValidRmaNumber('rma-1')).toBe(false);
    expect(isValidRmaNumber('A'.repeat(41))).toBe(false);
    expect(isValidRmaNumber('RMA 1')).toBe(false);
  });
});
