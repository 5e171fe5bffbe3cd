import { checkReplacementPart, describeViolations } from './parts-policy';

describe('parts policy: new original parts only', () => {
  it('accepts a new part from the original manufacturer', () => {
    expect(checkReplacementPart({ condition: 'NEW', source: 'ORIGINAL_MANUFACTURER' }, null)).toEqual({
      allowed: true,
      waiverApplied: false,
    });
  });

  it('refuses refurbished, used and third-party parts without a waiver', () => {
    expect(checkReplacementPart({ condition: 'REFURBISHED', source: 'ORIGINAL_MANUFACTURER' }, null)).toEqual({
      allowed: false,
      violations: ['NOT_NEW'],
    });
    expect(checkReplacementPart({ condition: 'NEW', source: 'THIRD_PARTY' }, null)).toEqual({
      allowed: false,
      violations: ['NOT_ORIGINAL_MANUFACTURER'],
    });
    expect(checkReplacementPart({ condition: 'USED', source: 'THIRD_PARTY' }, null)).toEqual({
      allowed: false,
      violations: ['NOT_NEW', 'NOT_ORIGINAL_MANUFACTURER'],
    });
  });

  it('accepts them once the customer waived the rule in writing, and says so', () => {
    expect(checkReplacementPart({ condition: 'REFURBISHED', source: 'THIRD_PARTY' }, { recordedAt: new Date() })).toEqual({
      allowed: true,
      waiverApplied: true,
    });
    // A compliant part does not use the waiver.
    expect(checkReplacementPart({ condition: 'NEW', source: 'ORIGINAL_MANUFACTURER' }, { recordedAt: new Date() })).toEqual({
      allowed: true,
      waiverApplied: false,
    });
  });

  it('explains a refusal', () => {
    expect(describeViolations(['NOT_NEW', 'NOT_ORIGINAL_MANUFACTURER'])).toMatch(/not new and not from the original manufacturer/);
  });
});
