import type { Tx } from '../../platform/db/database';
import type { Hub } from '../../platform/hub';
import type { JobContext } from '../../platform/scheduler/scheduler';
import { CalendarService } from '../calendar/calendar.service';
import { ContactsService } from '../contacts/contacts.service';
import { parseStepPeriod, nextStepDue, StepPeriod } from '../contacts/rules/contact-rules';
import { Site } from '../customers/customer.entity';
import { Incident, IncidentEvent } from '../incidents/incident.entity';
import { IncidentEventType, IncidentStatus, ManagementLevel } from '../incidents/incident.enums';
import { IncidentTimers } from '../incidents/incident.timers';
import { isTerminal } from '../incidents/rules/state-machine';

export const STEP_TIMER = 'incident.step';

interface StepPayload {
  incidentId: string;
  step: number;
}

/**
 * Day-based step escalation: an incident still unresolved one period after it
 * was reported moves one management level up, and again after each further
 * period, until the top. Each step is a scheduler job (exactly once across
 * instances); the period comes from the contract's escalation plan, counted in
 * calendar or working days of the incident's calendar.
 */
export class EscalationStepsService {
  constructor(private readonly hub: Hub) {}

  /** Incident hook: a new incident under a plan with a step period gets its first step. */
  async onIncidentChange(tx: Tx, incident: Incident, events: readonly IncidentEvent[]): Promise<void> {
    if (!events.some((e) => e.type === IncidentEventType.REPORTED)) return;
    const period = await this.periodFor(tx, incident.contractId);
    if (!period) return;
    await this.scheduleStep(tx, incident, 1, incident.reportedAt, period);
  }

  async onStepTimer({ job, tx, firedAt }: JobContext): Promise<void> {
    const { incidentId, step } = job.payload as unknown as StepPayload;
    const incident = await tx.em.findOneBy(Incident, { id: incidentId });
    if (!incident || isTerminal(incident.status)) return;
    // The plan may have changed since: the current one decides (no period any more: no more steps).
    const period = await this.periodFor(tx, incident.contractId);
    if (!period) return;
    const now = new Date(Math.max(firedAt.getTime(), job.dueAt.getTime()));
    if (incident.status === IncidentStatus.RESTORED) {
      // Restored but not closed: the step waits one more period in case the fault comes back.
      await this.scheduleStep(tx, incident, step, job.dueAt, period);
      return;
    }
    const reached = await this.hub.get(IncidentTimers).stepUpUnresolved(tx, incidentId, now, job.jobKey, period.iso);
    if (reached && reached !== ManagementLevel.DIRECTOR) await this.scheduleStep(tx, incident, step + 1, job.dueAt, period);
  }

  private async periodFor(tx: Tx, contractId: string): Promise<StepPeriod | null> {
    const plan = await this.hub.get(ContactsService).plan(contractId, tx.em);
    if (!plan?.stepAfter) return null;
    const period = parseStepPeriod(plan.stepAfter, plan.stepDays);
    return period.ok ? period.value : null;
  }

  private async scheduleStep(tx: Tx, incident: Incident, step: number, from: Date, period: StepPeriod): Promise<void> {
    let timeZone = 'UTC';
    if (period.kind === 'WORKING') {
      const site = await tx.em.findOne(Site, { where: { id: incident.siteId }, select: { id: true, timeZone: true } });
      timeZone = site?.timeZone ?? timeZone;
    }
    const calendar = await this.hub.get(CalendarService).calendarInTx(incident.calendarRegion, tx.em);
    const dueAt = nextStepDue(from, period, calendar, timeZone);
    await this.hub.scheduler.schedule(tx, {
      kind: STEP_TIMER,
      key: `incident-step:${incident.id}:${step}:${dueAt.getTime()}`,
      dueAt,
      payload: { incidentId: incident.id, step },
    });
  }
}
