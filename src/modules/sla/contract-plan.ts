/**
 * A contract's SLA plan as stored data, and its translation into the pure
 * rule inputs (coverage, per-severity targets, escalation policy). Pure: no
 * database, no GraphQL.
 *
 * On-site targets depend on how far the site is from the service centre. A
 * plan states them per distance class; a class left out inherits the next
 * closer one (REMOTE → SUBURBAN → URBAN), so a plan with a single URBAN value
 * promises it everywhere. A plan without any on-site target is remote-only.
 */
import { DistanceClass } from '../customers/customer.entity';
import { coveredBudgetMs } from './rules/business-time';
import { COVERAGE_24X7, Coverage, CoverageError, CoverageWindow, businessHoursCoverage } from './rules/coverage';
import { DEFAULT_ESCALATION_POLICY, EscalationPolicy, PolicyError, validateEscalationPolicy } from './rules/escalation';
import { err, ok, Result } from './rules/result';
import { ClockKind } from './rules/sla-clock';
import { parseSlaDuration } from './rules/sla-duration';
import { ContractPlanTargets, SEVERITIES, SeverityTargets, TargetError, parsePlanTargets, targetsFor } from './rules/severity-targets';
import type { Severity } from './sla.enums';

export type CoverageType = 'SEVEN_BY_24' | 'BUSINESS_HOURS';

export interface StoredCoverage {
  readonly type: CoverageType;
  /** Local wall-clock windows on working days (BUSINESS_HOURS only). */
  readonly windows: readonly CoverageWindow[];
}

export type OnSiteByDistance = Partial<Record<DistanceClass, string>>;

export interface StoredSeverityTargets {
  readonly response: string;
  readonly onSite?: OnSiteByDistance | null;
  readonly restore: string;
}

export type StoredTargets = Partial<Record<Severity, StoredSeverityTargets>>;

/** Closest first: a missing class inherits from the one before it. */
export const DISTANCE_ORDER: readonly DistanceClass[] = [DistanceClass.URBAN, DistanceClass.SUBURBAN, DistanceClass.REMOTE];

export function onSiteTargetFor(targets: StoredSeverityTargets, distance: DistanceClass): string | undefined {
  const byDistance = targets.onSite ?? {};
  let value: string | undefined;
  for (const d of DISTANCE_ORDER) {
    value = byDistance[d] ?? value;
    if (d === distance) return value;
  }
  return value;
}

/** The rules' view of the plan for sites of one distance class. */
export function planForDistance(targets: StoredTargets, distance: DistanceClass): ContractPlanTargets {
  const plan: Record<string, { response: string; onSite?: string; restore: string }> = {};
  for (const s of SEVERITIES) {
    const t = targets[s as Severity];
    if (!t) continue;
    const onSite = onSiteTargetFor(t, distance);
    plan[s] = onSite === undefined ? { response: t.response, restore: t.restore } : { response: t.response, onSite, restore: t.restore };
  }
  return plan as ContractPlanTargets;
}

export function severityTargets(targets: StoredTargets, severity: Severity, distance: DistanceClass): SeverityTargets {
  const r = targetsFor(planForDistance(targets, distance), severity);
  // Stored plans were validated on write; a failure here means the row was edited by hand.
  if (!r.ok) throw new Error(`contract plan invalid for ${severity}/${distance}: ${JSON.stringify(r.error)}`);
  return r.value;
}

export function coverageFor(stored: StoredCoverage, timeZone: string): Result<Coverage, CoverageError> {
  return stored.type === 'SEVEN_BY_24' ? ok(COVERAGE_24X7) : businessHoursCoverage(stored.windows, timeZone);
}

export interface PlanProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * Everything wrong with a plan, so an operator fixes a contract in one round
 * trip. Beyond what the rules check (every severity present, valid non-zero
 * ISO durations) a plan must be monotone: a more severe incident never gets a
 * longer target, and a farther site never a shorter on-site target, because
 * escalation (which only ever raises severity) must never relax a deadline.
 */
export function validatePlan(coverage: StoredCoverage, targets: StoredTargets, timeZone: string): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const cov = coverageFor(coverage, timeZone);
  if (!cov.ok) problems.push({ field: 'coverage', message: describeCoverageError(cov.error) });
  if (coverage.type === 'SEVEN_BY_24' && coverage.windows.length > 0)
    problems.push({ field: 'coverage.windows', message: 'a 7x24 plan has no windows' });

  for (const s of SEVERITIES) {
    const t = targets[s as Severity];
    if (t?.onSite && Object.keys(t.onSite).length > 0 && !t.onSite.URBAN)
      problems.push({
        field: `targets.${s}.onSite.urban`,
        message: 'an URBAN on-site target is required when any on-site target is given',
      });
  }
  const seen = new Set<string>();
  for (const d of DISTANCE_ORDER) {
    const r = parsePlanTargets(planForDistance(targets, d));
    if (r.ok) continue;
    for (const e of r.error) {
      const p = targetProblem(e, d);
      if (!seen.has(p.field)) {
        seen.add(p.field);
        problems.push(p);
      }
    }
  }
  if (problems.length > 0 || !cov.ok) return problems;

  const budget = (iso: string | undefined) => (iso === undefined ? undefined : coveredBudgetMs(iso, cov.value));
  for (const d of DISTANCE_ORDER) {
    const plan = planForDistance(targets, d);
    for (const [clock, field] of [
      ['RESPONSE', 'response'],
      ['ON_SITE', 'onSite'],
      ['RESTORE', 'restore'],
    ] as const) {
      for (let i = 1; i < SEVERITIES.length; i++) {
        const more = budget(plan[SEVERITIES[i - 1]]?.[field]);
        const less = budget(plan[SEVERITIES[i]]?.[field]);
        if (more !== undefined && less !== undefined && more > less)
          problems.push({
            field: `targets.${SEVERITIES[i - 1]}.${field}`,
            message: `${SEVERITIES[i - 1]} ${clockLabel(clock)} target is longer than ${SEVERITIES[i]}'s`,
          });
      }
    }
  }
  for (const s of SEVERITIES) {
    const t = targets[s as Severity];
    if (!t?.onSite) continue;
    for (let i = 1; i < DISTANCE_ORDER.length; i++) {
      const closer = budget(onSiteTargetFor(t, DISTANCE_ORDER[i - 1]));
      const farther = budget(onSiteTargetFor(t, DISTANCE_ORDER[i]));
      if (closer !== undefined && farther !== undefined && farther < closer)
        problems.push({
          field: `targets.${s}.onSite.${DISTANCE_ORDER[i].toLowerCase()}`,
          message: `${DISTANCE_ORDER[i]} on-site target is shorter than ${DISTANCE_ORDER[i - 1]}'s`,
        });
    }
  }
  return [...new Map(problems.map((p) => [`${p.field}|${p.message}`, p])).values()];
}

export function validatePolicy(policy: EscalationPolicy): PlanProblem[] {
  return validateEscalationPolicy(policy).map((e: PolicyError) => ({
    field: `escalationPolicy.${e.field}`,
    message: `invalid value ${JSON.stringify(e.value)}`,
  }));
}

/** Wall-clock interval of emergency progress updates (an emergency runs around the clock, whatever the coverage). */
export function progressIntervalMs(iso: string): Result<number, string> {
  const r = parseSlaDuration(iso);
  if (!r.ok) return err(`${iso} is not a usable ISO-8601 duration (${r.error.reason})`);
  const ms = r.value.days * 86_400_000 + r.value.timeMs;
  return ms >= 1000 ? ok(ms) : err('the progress interval must be at least one second');
}

export const DEFAULT_POLICY: EscalationPolicy = DEFAULT_ESCALATION_POLICY;

function clockLabel(clock: ClockKind): string {
  return { RESPONSE: 'response', ON_SITE: 'on-site', RESTORE: 'restore' }[clock];
}

function targetProblem(e: TargetError, distance: DistanceClass): PlanProblem {
  switch (e.code) {
    case 'MISSING_SEVERITY':
      return {
        field: `targets.${e.severity}`,
        message: `targets for ${e.severity} are missing (every severity needs targets, escalation may reach it)`,
      };
    case 'MISSING_TARGET':
      return { field: `targets.${e.severity}.${e.target}`, message: `${e.target} target is missing` };
    case 'INVALID_TARGET': {
      const field = e.target === 'onSite' ? `targets.${e.severity}.onSite.${distance.toLowerCase()}` : `targets.${e.severity}.${e.target}`;
      const why =
        e.reason === 'ZERO'
          ? 'must be longer than zero'
          : e.reason === 'UNSUPPORTED_UNIT'
            ? 'years, months and weeks are not allowed; use days (P1D), hours (PT4H), minutes or seconds'
            : 'is not an ISO-8601 duration such as PT30M, PT4H or P1D';
      return { field, message: `${e.value} ${why}` };
    }
  }
}

function describeCoverageError(e: CoverageError): string {
  switch (e.code) {
    case 'INVALID_TIME_ZONE':
      return `unknown time zone ${e.timeZone}`;
    case 'NO_WINDOWS':
      return 'a business-hours plan needs at least one window';
    case 'INVALID_WINDOW':
      return `window ${e.window.start}-${e.window.end} is ${e.reason === 'BAD_TIME' ? 'not HH:mm-HH:mm' : 'empty or crosses midnight (split it in two)'}`;
    case 'OVERLAPPING_WINDOWS':
      return `windows ${e.first.start}-${e.first.end} and ${e.second.start}-${e.second.end} overlap`;
  }
}
