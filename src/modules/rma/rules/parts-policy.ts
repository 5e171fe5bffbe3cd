/**
 * "更换的备件必须是原厂全新备件": a replacement part (or unit) must be NEW and
 * from the original manufacturer. Anything else is refused unless the
 * customer's written waiver is recorded on the RMA.
 */

export const PART_CONDITIONS = ['NEW', 'REFURBISHED', 'USED'] as const;
export type PartCondition = (typeof PART_CONDITIONS)[number];

export const PART_SOURCES = ['ORIGINAL_MANUFACTURER', 'THIRD_PARTY'] as const;
export type PartSource = (typeof PART_SOURCES)[number];

export type PartsViolation = 'NOT_NEW' | 'NOT_ORIGINAL_MANUFACTURER';

export interface ReplacementPart {
  readonly condition: PartCondition;
  readonly source: PartSource;
}

export type PartsDecision =
  { readonly allowed: true; readonly waiverApplied: boolean } | { readonly allowed: false; readonly violations: readonly PartsViolation[] };

export function checkReplacementPart(part: ReplacementPart, waiver: { readonly recordedAt: Date } | null): PartsDecision {
  const violations: PartsViolation[] = [];
  if (part.condition !== 'NEW') violations.push('NOT_NEW');
  if (part.source !== 'ORIGINAL_MANUFACTURER') violations.push('NOT_ORIGINAL_MANUFACTURER');
  if (violations.length === 0) return { allowed: true, waiverApplied: false };
  if (waiver) return { allowed: true, waiverApplied: true };
  return { allowed: false, violations };
}

export function describeViolations(violations: readonly PartsViolation[]): string {
  const text: Record<PartsViolation, string> = {
    NOT_NEW: 'not new',
    NOT_ORIGINAL_MANUFACTURER: 'not from the original manufacturer',
  };
  return `replacement part is ${violations.map((v) => text[v]).join(' and ')}; only new original parts are allowed without the customer's written waiver`;
}
