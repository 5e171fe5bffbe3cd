/**
 * Automatic escalation when an SLA deadline is missed ("未能在规定时间内完成
 * 该步骤时…自动一级级将情况通报上一级管理层"). Each breach moves every
 * enabled dimension up exactly one step; repeated breaches (the re-baselined
 * clock missing again) keep climbing until the ceilings.
 */
import { ClockKind } from './sla-clock';
import { Severity } from './severity-targets';

export const MANAGEMENT_LEVELS = ['ENGINEER', 'TEAM_LEAD', 'SERVICE_MANAGER', 'DIRECTOR'] as const;
export type ManagementLevel = (typeof MANAGEMENT_LEVELS)[number];

export const SUPPORT_TIERS = [1, 2, 3] as const;
export type SupportTier = (typeof SUPPORT_TIERS)[number];

export interface BreachActions {
  readonly raiseSeverity: boolean;
  readonly raiseManagementLevel: boolean;
  readonly raiseSupportTier: boolean;
}

export interface EscalationPolicy {
  /** Fraction of a clock's budget at which a warning goes out (no level changes). */
  readonly warnAtRatio: number;
  readonly onBreach: Readonly<Record<ClockKind, BreachActions>>;
}

/**
 * Missing any deadline raises severity and management attention. Only a
 * missed restore deadline pulls in the next support tier: a late response or
 * a late arrival is a dispatch problem, not a skills problem.
 */
export const DEFAULT_ESCALATION_POLICY: EscalationPolicy = Object.freeze({
  warnAtRatio: 0.75,
  onBreach: Object.freeze({
    RESPONSE: Object.freeze({ raiseSeverity: true, raiseManagementLevel: true, raiseSupportTier: false }),
    ON_SITE: Object.freeze({ raiseSeverity: true, raiseManagementLevel: true, raiseSupportTier: false }),
    RESTORE: Object.freeze({ raiseSeverity: true, raiseManagementLevel: true, raiseSupportTier: true }),
  }),
});

export interface EscalationState {
  readonly severity: Severity;
  readonly managementLevel: ManagementLevel;
  readonly supportTier: SupportTier;
}

export type EscalationStep =
  | {
      readonly kind: 'RAISE_SEVERITY';
      readonly from: Severity;
      readonly to: Severity;
      readonly clockKind: ClockKind;
      readonly reason: string;
    }
  | {
      readonly kind: 'RAISE_MANAGEMENT_LEVEL';
      readonly from: ManagementLevel;
      readonly to: ManagementLevel;
      readonly clockKind: ClockKind;
      readonly reason: string;
    }
  | {
      readonly kind: 'RAISE_SUPPORT_TIER';
      readonly from: SupportTier;
      readonly to: SupportTier;
      readonly clockKind: ClockKind;
      readonly reason: string;
    };

export type PolicyError = { readonly code: 'INVALID_POLICY'; readonly field: string; readonly value: unknown };

export function validateEscalationPolicy(policy: EscalationPolicy): PolicyError[] {
  const errors: PolicyError[] = [];
  if (!(Number.isFinite(policy.warnAtRatio) && policy.warnAtRatio > 0 && policy.warnAtRatio < 1)) {
    errors.push({ code: 'INVALID_POLICY', field: 'warnAtRatio', value: policy.warnAtRatio });
  }
  for (const k of ['RESPONSE', 'ON_SITE', 'RESTORE'] as const) {
    if (!policy.onBreach?.[k]) errors.push({ code: 'INVALID_POLICY', field: `onBreach.${k}`, value: policy.onBreach?.[k] });
  }
  return errors;
}

/** Severity goes UP by getting a smaller number: P4 → P3 → P2 → P1. */
function higherSeverity(s: Severity): Severity | undefined {
  return ({ P4: 'P3', P3: 'P2', P2: 'P1', P1: undefined } as const)[s];
}

function next<T>(ladder: readonly T[], current: T): T | undefined {
  const i = ladder.indexOf(current);
  return i >= 0 && i < ladder.length - 1 ? ladder[i + 1] : undefined;
}

const CLOCK_LABEL: Readonly<Record<ClockKind, string>> = { RESPONSE: 'response', ON_SITE: 'on-site', RESTORE: 'restore' };

/**
 * Steps to take because `clockKind`'s deadline was missed. Dimensions already
 * at their ceiling (P1, DIRECTOR, tier 3) produce no step, so an empty list
 * means "nothing left to raise", not "no breach".
 */
export function decideEscalation(
  current: EscalationState,
  clockKind: ClockKind,
  policy: EscalationPolicy = DEFAULT_ESCALATION_POLICY,
): EscalationStep[] {
  const actions = policy.onBreach[clockKind];
  const why = `${CLOCK_LABEL[clockKind]} deadline missed`;
  const steps: EscalationStep[] = [];
  if (actions.raiseSeverity) {
    const to = higherSeverity(current.severity);
    if (to)
      steps.push({ kind: 'RAISE_SEVERITY', from: current.severity, to, clockKind, reason: `${why}: severity ${current.severity} → ${to}` });
  }
  if (actions.raiseManagementLevel) {
    const to = next(MANAGEMENT_LEVELS, current.managementLevel);
    if (to) {
      steps.push({
        kind: 'RAISE_MANAGEMENT_LEVEL',
        from: current.managementLevel,
        to,
        clockKind,
        reason: `${why}: notify ${to} (was ${current.managementLevel})`,
      });
    }
  }
  if (actions.raiseSupportTier) {
    const to = next(SUPPORT_TIERS, current.supportTier);
    if (to)
      steps.push({
        kind: 'RAISE_SUPPORT_TIER',
        from: current.supportTier,
        to,
        clockKind,
        reason: `${why}: support tier ${current.supportTier} → ${to}`,
      });
  }
  return steps;
}

export function applyEscalation(current: EscalationState, steps: readonly EscalationStep[]): EscalationState {
  let s = current;
  for (const step of steps) {
    if (step.kind === 'RAISE_SEVERITY') s = { ...s, severity: step.to };
    else if (step.kind === 'RAISE_MANAGEMENT_LEVEL') s = { ...s, managementLevel: step.to };
    else s = { ...s, supportTier: step.to };
  }
  return s;
}

/** Whether usage has reached the policy's warning threshold (a zero budget is always at the threshold). */
export function warningDue(usedMs: number, budgetMs: number, policy: EscalationPolicy = DEFAULT_ESCALATION_POLICY): boolean {
  return budgetMs <= 0 ? true : usedMs / budgetMs >= policy.warnAtRatio;
}
