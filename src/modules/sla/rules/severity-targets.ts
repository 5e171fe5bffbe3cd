/**
 * Per-severity SLA targets from a contract plan, e.g. the common Chinese
 * "P1 1 h / P2 2 h / P3 4 h / P4 24 h". Plans arrive as ISO-8601 strings from
 * contract data, so everything is validated here and reported as typed errors.
 */
import { Result, err, ok } from './result';
import { ClockKind } from './sla-clock';
import { DurationError, SlaDuration, parseSlaDuration } from './sla-duration';

export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface SeverityTargetInput {
  readonly response: string;
  /** Optional: remote-only plans promise no site visit. */
  readonly onSite?: string;
  readonly restore: string;
}

export type ContractPlanTargets = Partial<Record<Severity, SeverityTargetInput>>;

export type SeverityTargets = Readonly<Partial<Record<ClockKind, SlaDuration>>> & {
  readonly RESPONSE: SlaDuration;
  readonly RESTORE: SlaDuration;
};

type TargetField = keyof SeverityTargetInput;

export type TargetError =
  | { readonly code: 'MISSING_SEVERITY'; readonly severity: Severity }
  | { readonly code: 'MISSING_TARGET'; readonly severity: Severity; readonly target: TargetField }
  | {
      readonly code: 'INVALID_TARGET';
      readonly severity: Severity;
      readonly target: TargetField;
      readonly value: string;
      readonly reason: DurationError['reason'] | 'ZERO';
    };

const FIELD_TO_CLOCK: Readonly<Record<TargetField, ClockKind>> = { response: 'RESPONSE', onSite: 'ON_SITE', restore: 'RESTORE' };

/** Targets for one severity; every problem in that severity is reported, not just the first. */
export function targetsFor(plan: ContractPlanTargets, severity: Severity): Result<SeverityTargets, TargetError[]> {
  const input = plan[severity];
  if (!input) return err([{ code: 'MISSING_SEVERITY', severity }]);
  const errors: TargetError[] = [];
  const out: Partial<Record<ClockKind, SlaDuration>> = {};
  for (const field of ['response', 'onSite', 'restore'] as const) {
    const raw = input[field];
    if (raw === undefined || raw === null || raw === '') {
      if (field !== 'onSite') errors.push({ code: 'MISSING_TARGET', severity, target: field });
      continue;
    }
    const parsed = typeof raw === 'string' ? parseSlaDuration(raw) : null;
    if (!parsed) {
      errors.push({ code: 'INVALID_TARGET', severity, target: field, value: String(raw), reason: 'UNPARSEABLE' });
    } else if (!parsed.ok) {
      errors.push({ code: 'INVALID_TARGET', severity, target: field, value: raw, reason: parsed.error.reason });
    } else if (parsed.value.days === 0 && parsed.value.timeMs === 0) {
      // A zero target would be breached at the instant the incident is opened.
      errors.push({ code: 'INVALID_TARGET', severity, target: field, value: raw, reason: 'ZERO' });
    } else {
      out[FIELD_TO_CLOCK[field]] = parsed.value;
    }
  }
  if (errors.length > 0) return err(errors);
  return ok(out as SeverityTargets);
}

/** Validates a whole plan; a plan must define every severity so escalation P4→P1 always lands on a target. */
export function parsePlanTargets(plan: ContractPlanTargets): Result<Readonly<Record<Severity, SeverityTargets>>, TargetError[]> {
  const errors: TargetError[] = [];
  const out: Partial<Record<Severity, SeverityTargets>> = {};
  for (const s of SEVERITIES) {
    const r = targetsFor(plan, s);
    if (r.ok) out[s] = r.value;
    else errors.push(...r.error);
  }
  return errors.length > 0 ? err(errors) : ok(out as Record<Severity, SeverityTargets>);
}
