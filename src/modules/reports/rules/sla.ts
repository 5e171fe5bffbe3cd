/**
 * SLA compliance from clock outcomes. The service turns each stored clock into
 * a ClockFact (using the incidents' own clock arithmetic); everything after
 * that — counting, percentages, averages, p90 — happens here.
 *
 * A clock counts as measured once its outcome is decided: MET or BREACHED.
 * Time figures use clocks that stopped (the business time they used); a clock
 * that breached and is still running has no final time yet.
 */
import { hours, mean, p90, percent } from './stats';

export const SLA_CLOCKS = ['RESPONSE', 'ON_SITE', 'RESTORE'] as const;
export type SlaClockName = (typeof SLA_CLOCKS)[number];
export const SEVERITY_ORDER = ['P1', 'P2', 'P3', 'P4'] as const;

export type ClockOutcome = 'MET' | 'BREACHED' | 'PENDING';

export interface ClockFact {
  readonly incidentId: string;
  readonly clock: SlaClockName;
  readonly outcome: ClockOutcome;
  /** Business time used, when the clock stopped. */
  readonly usedMs: number | null;
}

export interface IncidentFact {
  readonly id: string;
  readonly severity: string;
  readonly clocks: readonly ClockFact[];
}

export interface ClockFigures {
  readonly clock: SlaClockName;
  readonly measured: number;
  readonly met: number;
  readonly breached: number;
  readonly pending: number;
  readonly metPercent: number | null;
  readonly averageHours: number | null;
  readonly p90Hours: number | null;
}

export interface SlaFigures {
  readonly incidents: number;
  readonly clocks: ClockFigures[];
  readonly bySeverity: Array<{ severity: string; incidents: number; clocks: ClockFigures[] }>;
}

export function clockFigures(clock: SlaClockName, facts: readonly ClockFact[]): ClockFigures {
  const mine = facts.filter((f) => f.clock === clock);
  const met = mine.filter((f) => f.outcome === 'MET').length;
  const breached = mine.filter((f) => f.outcome === 'BREACHED').length;
  const times = mine.flatMap((f) => (f.outcome !== 'PENDING' && f.usedMs !== null ? [f.usedMs] : []));
  return {
    clock,
    measured: met + breached,
    met,
    breached,
    pending: mine.length - met - breached,
    metPercent: percent(met, met + breached),
    averageHours: hours(mean(times)),
    p90Hours: hours(p90(times)),
  };
}

export function slaFigures(incidents: readonly IncidentFact[]): SlaFigures {
  const all = incidents.flatMap((i) => i.clocks);
  return {
    incidents: incidents.length,
    clocks: SLA_CLOCKS.map((c) => clockFigures(c, all)),
    bySeverity: SEVERITY_ORDER.map((severity) => {
      const mine = incidents.filter((i) => i.severity === severity);
      return {
        severity,
        incidents: mine.length,
        clocks: SLA_CLOCKS.map((c) =>
          clockFigures(
            c,
            mine.flatMap((i) => i.clocks),
          ),
        ),
      };
    }),
  };
}
