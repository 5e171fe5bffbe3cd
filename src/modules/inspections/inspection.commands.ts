import { In } from 'typeorm';
import { systemActor } from '../../platform/auth/actor';
import type { Principal } from '../../platform/auth/principal';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { badInput, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { Device } from '../customers/customer.entity';
import { IncidentChannel } from '../incidents/incident.enums';
import { IncidentCommands } from '../incidents/incident.commands';
import { Inspection, InspectionEventType, InspectionItem, InspectionStatus } from './inspection.entity';
import { InspectionChanges, invalidTransition, visitKey } from './inspection-changes';
import { InspectionTimers } from './inspection.timers';
import { InspectionsService } from './inspections.service';
import type { InspectionReportInput, OpenInspectionIncidentInput, RecordInspectionVisitInput } from './inspections.inputs';
import { elapsedDurationMs } from './rules/deadline';

/** A client clock slightly ahead is tolerated for visitedAt; an hour ahead is a mistake. */
const FUTURE_SKEW_MS = 5 * 60_000;

/** Runs inside the transaction that stored the report, so a survey is issued exactly when the report is. */
export type InspectionReportedListener = (tx: Tx, inspection: Inspection) => Promise<void>;

/** What engineers do to an inspection: record the visit, submit the report, cancel, open an incident for a finding. */
export class InspectionCommands {
  private readonly reportedListeners: InspectionReportedListener[] = [];

  constructor(private readonly hub: Hub) {}

  private get changes() {
    return this.hub.get(InspectionChanges);
  }
  private get timers() {
    return this.hub.get(InspectionTimers);
  }

  onReported(listener: InspectionReportedListener): void {
    this.reportedListeners.push(listener);
  }

  /** The visit with its per-device checklist. Recording again while the report is due amends the checklist. */
  recordVisit(principal: Principal, id: string, input: RecordInspectionVisitInput): Promise<Inspection> {
    const now = new Date();
    const visitedAt = input.visitedAt ?? now;
    if (visitedAt.getTime() > now.getTime() + FUTURE_SKEW_MS) throw badInput('visitedAt is in the future', { field: 'visitedAt' });
    const serials = input.checklist.map((c) => c.deviceSerial);
    const dup = serials.find((s, i) => serials.indexOf(s) !== i);
    if (dup) throw badInput(`${dup} is listed twice`, { field: 'checklist' });
    return this.changes.command(principal, id, now, async (w, tx) => {
      const i = w.inspection;
      if (i.status !== InspectionStatus.SCHEDULED && i.status !== InspectionStatus.DONE)
        throw invalidTransition(i.status, InspectionStatus.DONE, 'The visit of a reported or cancelled inspection cannot be recorded');
      const devices = serials.length ? await tx.em.findBy(Device, { serialNumber: In(serials) }) : [];
      const existing = await tx.em.findBy(InspectionItem, { inspectionId: i.id });
      for (const check of input.checklist) {
        const device = devices.find((d) => d.serialNumber === check.deviceSerial);
        // Another customer's unit is reported as unknown, not confirmed.
        if (!device || device.customerId !== i.customerId) throw notFound('Device', check.deviceSerial);
        if (device.siteId !== i.siteId) throw badInput(`Device ${check.deviceSerial} is not at the inspected site`, { field: 'checklist' });
        const row = existing.find((e) => e.deviceId === device.id);
        const fields = {
          state: check.state,
          findings: check.findings,
          recommendedActions: check.recommendedActions ?? null,
          recordedAt: w.now,
          recordedBy: w.actor,
        };
        if (row) await tx.em.update(InspectionItem, { id: row.id }, fields);
        else
          await tx.em.insert(InspectionItem, {
            id: newId(),
            inspectionId: i.id,
            customerId: i.customerId,
            deviceId: device.id,
            serialNumber: device.serialNumber,
            incidentId: null,
            ...fields,
          });
      }
      const faulty = input.checklist.filter((c) => c.state !== 'OK' && c.state !== 'NOT_CHECKED').length;
      if (i.status === InspectionStatus.DONE) {
        w.event(InspectionEventType.CHECKLIST_AMENDED, `Checklist amended: ${input.checklist.length} device(s), ${faulty} with findings`);
        return;
      }
      const deadlineMs = elapsedDurationMs(i.reportDeadline) ?? 7 * 86_400_000;
      i.status = InspectionStatus.DONE;
      i.visitedAt = visitedAt;
      i.engineer = input.engineer.trim();
      i.reportDueAt = new Date(visitedAt.getTime() + deadlineMs);
      await this.hub.scheduler.cancel(tx, visitKey(i.id));
      w.event(
        InspectionEventType.VISITED,
        `Visited by ${i.engineer} on ${visitedAt.toISOString()}: ${input.checklist.length} device(s) checked, ${faulty} with findings; report due ${i.reportDueAt.toISOString()}`,
      );
      // The visit deadline may have passed while its timer waited for the poll.
      if (visitedAt > i.visitDueAt && !i.visitOverdueAt) await this.timers.visitOverdue(tx, w);
      await this.timers.planReportClock(tx, i, w.now);
    });
  }

  submitReport(principal: Principal, id: string, input: InspectionReportInput): Promise<Inspection> {
    return this.changes.command(principal, id, new Date(), async (w, tx) => {
      const i = w.inspection;
      if (i.status !== InspectionStatus.DONE)
        throw invalidTransition(
          i.status,
          InspectionStatus.REPORTED,
          i.status === InspectionStatus.SCHEDULED
            ? 'Record the visit first'
            : 'The report was already submitted or the inspection cancelled',
        );
      // Same as the timer, in case the report arrives between the deadline and the timer firing.
      if (i.reportDueAt && w.now > i.reportDueAt && !i.reportOverdueAt) await this.timers.reportOverdue(tx, w);
      i.status = InspectionStatus.REPORTED;
      i.reportSubmittedAt = w.now;
      i.reportSubmittedBy = w.actor;
      i.reportSummary = input.summary;
      i.reportRecommendations = input.recommendations ?? null;
      await this.hub.scheduler.cancel(tx, `inspection:${i.id}:REPORT`);
      const onTime = !i.reportDueAt || w.now <= i.reportDueAt;
      w.event(
        InspectionEventType.REPORT_SUBMITTED,
        `Report submitted ${onTime ? 'on time' : 'late'} (due ${i.reportDueAt?.toISOString()})`,
      );
      for (const listener of this.reportedListeners) await listener(tx, i);
    });
  }

  cancel(principal: Principal, id: string, reason: string): Promise<Inspection> {
    if (!reason?.trim()) throw badInput('A reason is required', { field: 'reason' });
    return this.changes.command(principal, id, new Date(), async (w, tx) => {
      if (w.inspection.status !== InspectionStatus.SCHEDULED && w.inspection.status !== InspectionStatus.DONE)
        throw invalidTransition(w.inspection.status, InspectionStatus.CANCELLED, 'Only an inspection not yet reported can be cancelled');
      await this.changes.cancel(tx, w, reason.trim());
    });
  }

  /**
   * Opens an incident for a finding, in the transaction that links it (a repeat finds the link). The
   * inspection's own authority: an engineer who may see the inspection (possibly a partner key) reports
   * on the inspected customer's device, so the incident is opened by the system on the inspection's behalf.
   */
  async openIncident(principal: Principal, input: OpenInspectionIncidentInput): Promise<InspectionItem> {
    const inspection = await this.hub.get(InspectionsService).get(principal, input.inspectionId);
    const item = await this.hub.db.manager.findOneBy(InspectionItem, { inspectionId: inspection.id, serialNumber: input.deviceSerial });
    if (!item) throw notFound('InspectionItem', `${inspection.id}/${input.deviceSerial}`);
    if (item.incidentId) return item;
    const summary = (input.summary ?? `Inspection ${inspection.label}: ${item.findings}`).replace(/\s+/g, ' ').trim().slice(0, 500);
    let incidentId: string | null = null;
    await this.changes.command(principal, inspection.id, new Date(), async (w, tx) => {
      const locked = await tx.em.findOne(InspectionItem, { where: { id: item.id }, lock: this.hub.db.lockMode() });
      if (!locked) return;
      incidentId = locked.incidentId;
      if (incidentId) return;
      const incident = await this.hub.get(IncidentCommands).openIncident(tx, systemActor(`inspection, ${principal.name}`), {
        deviceSerial: item.serialNumber,
        severity: input.severity,
        summary,
        description: [item.findings, item.recommendedActions].filter(Boolean).join('\n\nRecommended: '),
        channel: IncidentChannel.API,
        externalRef: `inspection:${item.id}`,
      });
      incidentId = incident.id;
      await tx.em.update(InspectionItem, { id: item.id }, { incidentId: incident.id });
      w.event(InspectionEventType.INCIDENT_OPENED, `Incident ${incident.id} (${incident.severity}) opened for ${item.serialNumber}`);
    });
    return { ...item, incidentId };
  }
}
