import type { Tx } from '../../platform/db/database';
import type { Hub } from '../../platform/hub';
import { makeEnvelope } from '../../platform/kafka/event-bus';
import type { JobContext } from '../../platform/scheduler/scheduler';
import { ContractsService } from '../contracts/contracts.service';
import { ManagementLevel } from '../incidents/incident.enums';
import { Inspection, InspectionEventType, InspectionStatus } from './inspection.entity';
import { INSPECTION_OVERDUE, InspectionChanges, InspectionWork, REPORT_JOB, reportKey, visitKey } from './inspection-changes';
import { nextManagementLevel, warnAt } from './rules/deadline';

/** The visit and report clocks: planned with the visit, fired by the scheduler, escalating like incident clocks. */
export class InspectionTimers {
  constructor(private readonly hub: Hub) {}

  private get contracts() {
    return this.hub.get(ContractsService);
  }
  private get changes() {
    return this.hub.get(InspectionChanges);
  }

  async onVisitDue({ job, tx, firedAt }: JobContext): Promise<void> {
    const { inspectionId } = job.payload as { inspectionId: string };
    await this.changes.system(tx, inspectionId, firedAt, async (w) => {
      if (w.inspection.status === InspectionStatus.SCHEDULED && !w.inspection.visitOverdueAt) await this.visitOverdue(tx, w);
    });
  }

  async onReportClock({ job, tx, firedAt }: JobContext): Promise<void> {
    const { inspectionId, phase } = job.payload as { inspectionId: string; phase: 'WARN' | 'BREACH' };
    await this.changes.system(tx, inspectionId, firedAt, async (w) => {
      const i = w.inspection;
      if (i.status !== InspectionStatus.DONE || !i.reportDueAt) return;
      if (phase === 'WARN' && !i.reportWarnedAt && !i.reportOverdueAt) {
        i.reportWarnedAt = w.now;
        w.event(InspectionEventType.REPORT_WARNING, `Inspection report due ${i.reportDueAt.toISOString()} and not submitted yet`);
      }
      if (phase === 'BREACH' && !i.reportOverdueAt) await this.reportOverdue(tx, w);
    });
  }

  async planReportClock(tx: Tx, i: Inspection, now: Date): Promise<void> {
    const due = i.reportDueAt!;
    const contract = await this.contracts.find(tx.em, i.contractId);
    const warning = warnAt(i.visitedAt!, due, this.contracts.policy(contract).warnAtRatio);
    const at = (d: Date) => (d < now ? now : d);
    if (warning < due && due > now)
      await this.hub.scheduler.schedule(tx, {
        kind: REPORT_JOB,
        key: reportKey(i.id, 'WARN'),
        dueAt: at(warning),
        payload: { inspectionId: i.id, phase: 'WARN' },
      });
    // Strictly after the deadline: a report submitted at the very instant is on time.
    await this.hub.scheduler.schedule(tx, {
      kind: REPORT_JOB,
      key: reportKey(i.id, 'BREACH'),
      dueAt: at(new Date(due.getTime() + 1)),
      payload: { inspectionId: i.id, phase: 'BREACH' },
    });
  }

  async visitOverdue(tx: Tx, w: InspectionWork): Promise<void> {
    const i = w.inspection;
    i.visitOverdueAt = i.visitDueAt;
    w.event(InspectionEventType.VISIT_OVERDUE, `Inspection ${i.label} not visited by ${i.dueBy} (planned ${i.scheduledDate})`);
    this.escalate(w, 'VISIT', i.visitDueAt);
    await this.hub.scheduler.cancel(tx, visitKey(i.id));
  }

  async reportOverdue(_tx: Tx, w: InspectionWork): Promise<void> {
    const i = w.inspection;
    i.reportOverdueAt = i.reportDueAt;
    w.event(
      InspectionEventType.REPORT_OVERDUE,
      `Inspection report missed its deadline ${i.reportDueAt!.toISOString()} (${i.reportDeadline} after the visit)`,
    );
    this.escalate(w, 'REPORT', i.reportDueAt!);
  }

  /** Like the incident clocks: a missed deadline tells the next management level, and goes out as an event. */
  private escalate(w: InspectionWork, clock: 'VISIT' | 'REPORT', dueAt: Date): void {
    const i = w.inspection;
    const next = nextManagementLevel(i.managementLevel);
    if (next) {
      w.event(
        InspectionEventType.ESCALATED,
        `${clock === 'VISIT' ? 'Visit' : 'Report'} deadline missed: notify ${next} (was ${i.managementLevel})`,
      );
      i.managementLevel = next as ManagementLevel;
    }
    w.outbound.push(
      makeEnvelope({
        type: INSPECTION_OVERDUE,
        key: i.id,
        source: 'hub',
        payload: {
          inspectionId: i.id,
          customerId: i.customerId,
          siteId: i.siteId,
          centreId: i.centreId,
          contractId: i.contractId,
          label: i.label,
          clock,
          dueAt: dueAt.toISOString(),
          managementLevel: i.managementLevel,
        },
      }),
    );
  }
}
