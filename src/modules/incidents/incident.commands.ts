import { assertNotInFuture } from '../../platform/reported-time';
import { actorCanSee, actorLabel, type Actor } from '../../platform/auth/actor';
import { newId } from '../../platform/db/columns';
import type { Tx } from '../../platform/db/database';
import { isDuplicateKey } from '../../platform/db/duplicate-key';
import { AppError, badInput, ErrorCode, notFound } from '../../platform/errors';
import type { Hub } from '../../platform/hub';
import { CalendarService } from '../calendar/calendar.service';
import { ContractsService } from '../contracts/contracts.service';
import { Device, Site } from '../customers/customer.entity';
import { Severity } from '../sla/sla.enums';
import { SupportCentre } from '../support-network/support-centre.entity';
import { IncidentChanges, IncidentWork } from './incident-changes';
import { EmergencyReport, Incident, IncidentDiagnosis } from './incident.entity';
import { IncidentEventType, IncidentStatus, IncidentUpdateKind, ManagementLevel } from './incident.enums';
import { startClocks, type SlaContext } from './incident-sla';
import type { DiagnosisInput, EmergencyReportInput, ReportIncidentInput } from './incidents.inputs';
import { isTerminal } from './rules/state-machine';

export class IncidentCommands {
  constructor(private readonly hub: Hub) {}

  private get contracts(): ContractsService {
    return this.hub.get(ContractsService);
  }
  private get calendars(): CalendarService {
    return this.hub.get(CalendarService);
  }
  private get changes(): IncidentChanges {
    return this.hub.get(IncidentChanges);
  }

  /**
   * Opens an incident with its clocks running, in the caller's transaction. The actor must be able to
   * see the device and site (a connector: its customer's only), else NOT_FOUND. With an externalRef the
   * call is idempotent per customer: a repeat returns the incident the first call created.
   */
  async openIncident(tx: Tx, actor: Actor, input: ReportIncidentInput): Promise<Incident> {
    if (!input.deviceSerial && !input.siteId) throw badInput('Give the device serial or the site of the fault', { field: 'deviceSerial' });
    assertNotInFuture(input.occurredAt, 'occurredAt');
    const externalRef = input.externalRef?.trim() || null;
    const now = new Date();
    let device: Device | null = null;
    if (input.deviceSerial) {
      device = await tx.em.findOneBy(Device, { serialNumber: input.deviceSerial });
      if (!device || !actorCanSee(actor, Device, device)) throw notFound('Device', input.deviceSerial);
      if (!device.active) throw badInput(`Device ${device.serialNumber} is decommissioned`, { field: 'deviceSerial' });
      if (input.siteId && input.siteId !== device.siteId)
        throw badInput(`Device ${device.serialNumber} is not at site ${input.siteId}`, { field: 'siteId' });
    }
    const siteId = device?.siteId ?? input.siteId!;
    const site = await tx.em.findOneBy(Site, { id: siteId });
    if (!site || !actorCanSee(actor, Site, site)) throw notFound('Site', siteId);
    const customerId = site.customerId;
    if (externalRef) {
      const existing = await tx.em.findOneBy(Incident, { customerId, externalRef });
      if (existing) return existing;
    }
    const resolved = await this.contracts.resolve(tx.em, customerId, device, now);
    if (!resolved)
      throw badInput(`No service contract covers ${device ? `device ${device.serialNumber}` : `site ${site.name}`}`, {
        reason: 'NO_CONTRACT',
        field: input.deviceSerial ? 'deviceSerial' : 'siteId',
      });
    const { contract } = resolved;
    const coverage = this.contracts.coverage(contract, site.timeZone);
    const calendarRegion = this.contracts.calendarRegion(contract, site.calendarRegion);
    const calendar = await this.calendars.calendarInTx(calendarRegion, tx.em);
    const channelResponse = await this.changes.channelResponseFor(tx, contract.id, input.channel);
    const targets = this.changes.targetsFor(contract, input.severity, site.distanceClass, coverage, channelResponse);
    const incident = Object.assign(new Incident(), {
      id: newId(),
      customerId,
      siteId: site.id,
      deviceId: device?.id ?? null,
      contractId: contract.id,
      assignedCentreId: null,
      supportTier: 1,
      managementLevel: ManagementLevel.ENGINEER,
      severity: input.severity,
      status: IncidentStatus.NEW,
      channel: input.channel,
      summary: input.summary.trim(),
      description: input.description ?? null,
      externalRef,
      emergencyKind: input.emergency ?? null,
      emergencyActive: false,
      emergencyActivatedAt: null,
      nextProgressDueAt: null,
      lastProgressAt: null,
      occurredAt: input.occurredAt ?? null,
      reportedAt: now,
      reportedBy: actorLabel(actor).slice(0, 120),
      coverage,
      calendarRegion,
      distanceClass: site.distanceClass,
      clocks: startClocks(targets, now),
      jobKeys: [],
      nextDueAt: null,
      breached: false,
      calendarIncomplete: false,
      acknowledgedAt: null,
      restoredAt: null,
      closedAt: null,
      closedBy: null,
      closureConsentRef: null,
      satisfaction: null,
      customerComment: null,
      eventSeq: 0,
      updatedAt: now,
    });
    const ctx: SlaContext = { coverage, calendar, policy: this.contracts.policy(contract) };
    const w = new IncidentWork(incident, true, now, actorLabel(actor).slice(0, 120), ctx, contract, null);
    w.channelResponse = channelResponse;
    const message = `${input.severity} reported via ${input.channel}: ${incident.summary}`;
    w.event(IncidentEventType.REPORTED, message, {
      toStatus: IncidentStatus.NEW,
      details: {
        contract: contract.code,
        contractReason: resolved.reason,
        targets: Object.fromEntries(Object.entries(targets).map(([k, t]) => [k, t?.iso])),
        calendarRegion,
        distanceClass: site.distanceClass,
      },
    });
    w.update(IncidentUpdateKind.REPORTED, message);
    await this.changes.flush(tx, w);
    return incident;
  }

  /**
   * `openIncident` in a transaction of its own, for callers that have none (the API). Retries racing on
   * one externalRef are decided by the unique index: the losers read the winner's row.
   */
  async reportIncident(actor: Actor, input: ReportIncidentInput): Promise<Incident> {
    try {
      return await this.hub.db.transaction((tx) => this.openIncident(tx, actor, input));
    } catch (error) {
      const externalRef = input.externalRef?.trim() || null;
      if (externalRef && isDuplicateKey(error)) {
        const winner = await this.hub.db.manager.findOneBy(Incident, { externalRef, customerId: await this.customerOf(input) });
        if (winner) return winner;
      }
      throw error;
    }
  }

  private async customerOf(input: ReportIncidentInput): Promise<string> {
    if (input.deviceSerial) return (await this.hub.db.manager.findOneBy(Device, { serialNumber: input.deviceSerial }))?.customerId ?? '';
    return (await this.hub.db.manager.findOneBy(Site, { id: input.siteId! }))?.customerId ?? '';
  }

  acknowledge(tx: Tx, actor: Actor, id: string, note?: string | null): Promise<Incident> {
    return this.transition(tx, actor, id, IncidentStatus.ACKNOWLEDGED, note);
  }

  /** Any move the state machine allows, except CLOSED: closing needs the customer's say (see the two closure commands). */
  transition(tx: Tx, actor: Actor, id: string, to: IncidentStatus, note?: string | null): Promise<Incident> {
    return this.command(tx, actor, id, (w) => this.changes.moveTo(w, to, note ?? null));
  }

  /** The customer confirms the fix; only a key of that customer gets here (the incident is invisible to others). */
  confirmClosure(tx: Tx, actor: Actor, id: string, satisfaction?: number | null, comment?: string | null): Promise<Incident> {
    assertRating(satisfaction);
    return this.command(tx, actor, id, (w) => {
      this.changes.moveTo(w, IncidentStatus.CLOSED, comment ?? null, { consent: true });
      Object.assign(w.incident, { satisfaction: satisfaction ?? null, customerComment: comment ?? null, closedBy: w.actor });
      w.event(
        IncidentEventType.CLOSURE_CONFIRMED,
        `Customer confirmed the restoration${satisfaction ? ` (satisfaction ${satisfaction}/5)` : ''}`,
        {
          details: { satisfaction: satisfaction ?? null, comment: comment ?? null },
        },
      );
    });
  }

  /** An operator closes on the customer's consent given elsewhere (phone, e-mail), which must be referenced. */
  closeWithConsent(
    tx: Tx,
    actor: Actor,
    id: string,
    consentReference: string,
    note?: string | null,
    satisfaction?: number | null,
  ): Promise<Incident> {
    const ref = consentReference?.trim();
    if (!ref)
      throw badInput('The customer consent must be referenced (call record, e-mail id, signed form)', { field: 'consentReference' });
    assertRating(satisfaction);
    return this.command(tx, actor, id, (w) => {
      this.changes.moveTo(w, IncidentStatus.CLOSED, note ?? `Closed on customer consent ${ref}`, { consent: true });
      Object.assign(w.incident, { closureConsentRef: ref, closedBy: w.actor, satisfaction: satisfaction ?? null });
    });
  }

  changeSeverity(tx: Tx, actor: Actor, id: string, severity: Severity, reason: string): Promise<Incident> {
    if (!reason?.trim()) throw badInput('A reason is required', { field: 'reason' });
    return this.command(tx, actor, id, (w) => {
      const inc = w.incident;
      if (isTerminal(inc.status)) throw badInput(`Incident is ${inc.status}`, { reason: 'INCIDENT_CLOSED' });
      if (inc.severity === severity) throw badInput(`Incident is already ${severity}`, { field: 'severity' });
      const from = inc.severity;
      this.changes.applySeverity(w, severity);
      const message = `Severity ${from} → ${severity}: ${reason.trim()}`;
      w.event(IncidentEventType.SEVERITY_CHANGED, message, { details: { from, to: severity, reason: reason.trim() } });
      w.update(IncidentUpdateKind.SEVERITY_CHANGED, message);
    });
  }

  assign(tx: Tx, actor: Actor, id: string, centreId: string | null | undefined, supportTier: number | null | undefined): Promise<Incident> {
    if (centreId === undefined && (supportTier === undefined || supportTier === null))
      throw badInput('Give a centre, a support tier or both', { field: 'centreId' });
    if (supportTier !== undefined && supportTier !== null && ![1, 2, 3].includes(supportTier))
      throw badInput('supportTier must be 1, 2 or 3', { field: 'supportTier' });
    return this.command(tx, actor, id, async (w) => {
      const inc = w.incident;
      if (isTerminal(inc.status)) throw badInput(`Incident is ${inc.status}`, { reason: 'INCIDENT_CLOSED' });
      if (centreId !== undefined) inc.assignedCentreId = centreId || null;
      if (supportTier) inc.supportTier = supportTier;
      // People read the timeline: name the centre by its code and name, not its id.
      const centre = inc.assignedCentreId ? await tx.em.findOneBy(SupportCentre, { id: inc.assignedCentreId }) : null;
      if (inc.assignedCentreId && !centre) throw notFound('SupportCentre', inc.assignedCentreId);
      const message = `Assigned to ${centre ? `${centre.code} (${centre.name})` : 'no centre'}, support tier ${inc.supportTier}`;
      w.event(IncidentEventType.ASSIGNED, message, { details: { centreId: inc.assignedCentreId, supportTier: inc.supportTier } });
      w.update(IncidentUpdateKind.ASSIGNED, message);
    });
  }

  /** Replaces the diagnosis report (each revision is in the timeline). */
  recordDiagnosis(tx: Tx, actor: Actor, id: string, input: DiagnosisInput): Promise<Incident> {
    return this.command(tx, actor, id, async (w) => {
      const inc = w.incident;
      if (inc.status === IncidentStatus.CANCELLED) throw badInput('Incident is cancelled', { reason: 'INCIDENT_CLOSED' });
      const existing = await tx.em.findOne(IncidentDiagnosis, { where: { incidentId: inc.id }, lock: this.hub.db.lockMode() });
      const row = Object.assign(existing ?? new IncidentDiagnosis(), {
        id: existing?.id ?? newId(),
        incidentId: inc.id,
        customerId: inc.customerId,
        findings: input.findings,
        cause: input.cause,
        actions: input.actions,
        partsUsed: input.partsUsed.map((p) => ({
          partNumber: p.partNumber,
          description: p.description ?? null,
          quantity: p.quantity,
          serialNumber: p.serialNumber ?? null,
        })),
        recordedBy: w.actor,
        recordedAt: w.now,
        revision: (existing?.revision ?? 0) + 1,
      });
      if (existing) await tx.em.update(IncidentDiagnosis, { id: row.id }, row);
      else await tx.em.insert(IncidentDiagnosis, row);
      const message = `Diagnosis recorded (revision ${row.revision}): ${input.cause}`;
      w.event(IncidentEventType.DIAGNOSIS_RECORDED, message, { details: { revision: row.revision, parts: row.partsUsed.length } });
      w.update(IncidentUpdateKind.DIAGNOSIS_RECORDED, message);
    });
  }

  /** A progress note; on an emergency it also satisfies the recurring progress deadline. */
  postProgress(tx: Tx, actor: Actor, id: string, message: string): Promise<Incident> {
    if (!message?.trim()) throw badInput('The progress message is empty', { field: 'message' });
    return this.command(tx, actor, id, (w) => {
      const inc = w.incident;
      if (isTerminal(inc.status)) throw badInput(`Incident is ${inc.status}`, { reason: 'INCIDENT_CLOSED' });
      inc.lastProgressAt = w.now;
      if (inc.emergencyActive) inc.nextProgressDueAt = new Date(w.now.getTime() + this.contracts.progressIntervalMs(w.contract));
      w.event(IncidentEventType.PROGRESS_POSTED, message.trim(), {
        details: inc.emergencyActive ? { nextProgressDueAt: inc.nextProgressDueAt?.toISOString() } : undefined,
      });
      w.update(IncidentUpdateKind.PROGRESS_POSTED, message.trim());
    });
  }

  /** The report an emergency ends with: accepted once service is restored (or closed); resubmitting revises it. */
  submitEmergencyReport(tx: Tx, actor: Actor, id: string, input: EmergencyReportInput): Promise<EmergencyReport> {
    let saved: EmergencyReport | null = null;
    return this.command(tx, actor, id, async (w) => {
      const inc = w.incident;
      if (!inc.emergencyActivatedAt) throw badInput('This incident never ran the emergency plan', { reason: 'NOT_AN_EMERGENCY' });
      if (inc.status !== IncidentStatus.RESTORED && inc.status !== IncidentStatus.CLOSED)
        throw new AppError(ErrorCode.INVALID_TRANSITION, 'The emergency report is written once service is restored', {
          from: inc.status,
          allowed: [IncidentStatus.RESTORED, IncidentStatus.CLOSED],
          reason: 'EMERGENCY_NOT_OVER',
        });
      const existing = await tx.em.findOne(EmergencyReport, { where: { incidentId: inc.id }, lock: this.hub.db.lockMode() });
      saved = Object.assign(existing ?? new EmergencyReport(), {
        id: existing?.id ?? newId(),
        incidentId: inc.id,
        customerId: inc.customerId,
        ...input,
        submittedBy: w.actor,
        submittedAt: w.now,
      });
      if (existing) await tx.em.update(EmergencyReport, { id: saved.id }, saved);
      else await tx.em.insert(EmergencyReport, saved);
      const message = `Emergency report ${existing ? 'revised' : 'submitted'}: ${input.summary}`;
      w.event(IncidentEventType.EMERGENCY_REPORT_SUBMITTED, message);
      w.update(IncidentUpdateKind.EMERGENCY_REPORT_SUBMITTED, message);
    }).then(() => saved!);
  }

  /**
   * What monitoring said about an open incident (the alert repeated or fired again, or cleared): a timeline
   * entry and the cleared mark; never a status change, since closure needs the customer's consent.
   */
  recordMonitoringSignal(
    tx: Tx,
    actor: Actor,
    id: string,
    signal: {
      type: IncidentEventType.MONITORING_ALERT | IncidentEventType.MONITORING_CLEARED;
      message: string;
      details: Record<string, unknown>;
      clearedAt: Date | null;
    },
  ): Promise<Incident> {
    return this.command(tx, actor, id, (w) => {
      w.incident.monitoringClearedAt = signal.clearedAt;
      w.event(signal.type, signal.message, { details: signal.details });
      w.update(IncidentUpdateKind.MONITORING_SIGNAL, signal.message);
    });
  }

  /** A comment the customer wrote elsewhere (its ITSM ticket): on the timeline, no status change, no progress deadline met. */
  addCustomerComment(tx: Tx, actor: Actor, id: string, comment: string): Promise<Incident> {
    const text = comment?.trim();
    if (!text) throw badInput('The comment is empty', { field: 'comment' });
    return this.command(tx, actor, id, (w) => {
      w.event(IncidentEventType.CUSTOMER_COMMENT, text.slice(0, 1000));
      w.update(IncidentUpdateKind.CUSTOMER_COMMENT, text.slice(0, 1000));
    });
  }

  /**
   * The customer's own ticket for the incident: its number becomes the external reference when the incident has
   * none (a reference given at reporting is kept; the link is on the timeline either way).
   */
  linkExternalTicket(tx: Tx, actor: Actor, id: string, ticket: string, system: string): Promise<Incident> {
    const ref = ticket?.trim();
    if (!ref) throw badInput('The ticket number is empty', { field: 'ticket' });
    return this.command(tx, actor, id, async (w) => {
      // The reference is unique per customer: a number another incident already carries stays on the timeline only.
      const taken = await tx.em.existsBy(Incident, { customerId: w.incident.customerId, externalRef: ref.slice(0, 120) });
      if (!taken) w.incident.externalRef ??= ref.slice(0, 120);
      w.event(IncidentEventType.EXTERNAL_TICKET_LINKED, `Ticket ${ref} in ${system}`, { details: { ticket: ref, system } });
    });
  }

  /** Loads the incident locked (NOT_FOUND when the actor may not act on it), runs the change, writes it. */
  private async command(tx: Tx, actor: Actor, id: string, work: (w: IncidentWork) => void | Promise<void>): Promise<Incident> {
    const incident = await tx.em.findOne(Incident, { where: { id }, lock: this.hub.db.lockMode() });
    if (!incident || !actorCanSee(actor, Incident, incident)) throw notFound('Incident', id);
    const w = await this.changes.work(tx, incident, new Date(), actorLabel(actor).slice(0, 120), null);
    await work(w);
    await this.changes.flush(tx, w);
    return incident;
  }
}

function assertRating(satisfaction: number | null | undefined): void {
  if (satisfaction !== undefined && satisfaction !== null && !(Number.isInteger(satisfaction) && satisfaction >= 1 && satisfaction <= 5))
    throw badInput('satisfaction must be 1 to 5', { field: 'satisfaction' });
}
