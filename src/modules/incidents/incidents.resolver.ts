import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { userActor, type Actor } from '../../platform/auth/actor';
import { isStaff, Role } from '../../platform/auth/principal';
import type { Tx } from '../../platform/db/database';
import { canSee } from '../../platform/auth/scope';
import { HubContext, Loaders, principalOf } from '../../platform/graphql/context';
import type { Connection } from '../../platform/graphql/connection';
import type { Hub } from '../../platform/hub';
import { workingCalendarLoader } from '../calendar/calendar.loaders';
import { ServiceContract } from '../contracts/contract.entity';
import { contractLoader } from '../contracts/contracts.loaders';
import { Customer, Device, Site } from '../customers/customer.entity';
import { customerLoader, deviceLoader, siteLoader } from '../customers/customers.loaders';
import { allowedTransitions } from './rules/state-machine';
import { EmergencyReport, Incident, IncidentDiagnosis, IncidentEscalation, IncidentEvent } from './incident.entity';
import { IncidentStatus, SlaClockState } from './incident.enums';
import { Severity, SlaClockKind } from '../sla/sla.enums';
import { IncidentConnection, IncidentUpdateView, SlaClockView, SlaPreviewView } from './incident.views';
import { ALL_INCIDENTS, INCIDENT_UPDATED, IncidentUpdatePayload } from './incidents.events';
import { DiagnosisInput, EmergencyReportInput, IncidentFilter, ReportIncidentInput } from './incidents.inputs';
import {
  deviceIncidentsLoader,
  emergencyReportLoader,
  incidentDiagnosisLoader,
  incidentEscalationsLoader,
  incidentEventsLoader,
} from './incidents.loaders';
import { IncidentCommands } from './incident.commands';
import { incidentFromSnapshot } from './incident.snapshots';
import { IncidentsService } from './incidents.service';

/** Who works incidents: the service desk, and partner centres on the incidents assigned to them. */
const WORKERS = [Role.ADMIN, Role.OPERATOR, Role.PARTNER];

@Resolver(() => Incident)
export class IncidentResolver {
  private readonly service: IncidentsService;
  private readonly commands: IncidentCommands;
  constructor(private readonly hub: Hub) {
    this.service = hub.get(IncidentsService);
    this.commands = hub.get(IncidentCommands);
  }

  /** The key's role was checked by @Authorized; the command checks its scope (NOT_FOUND) as the key's actor. */
  private act<T>(ctx: HubContext, command: (tx: Tx, actor: Actor) => Promise<T>): Promise<T> {
    const actor = userActor(principalOf(ctx));
    return this.hub.db.transaction((tx) => command(tx, actor));
  }

  // ---- queries ------------------------------------------------------------------

  @Authorized()
  @Query(() => Incident)
  incident(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext): Promise<Incident> {
    return this.service.get(principalOf(ctx), id);
  }

  @Authorized()
  @Query(() => IncidentConnection, { description: 'Incidents the key may see, newest first' })
  incidents(
    @Ctx() ctx: HubContext,
    @Arg('filter', () => IncidentFilter, { nullable: true }) filter?: IncidentFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Connection<Incident>> {
    return this.service.list(principalOf(ctx), filter, { first, after });
  }

  @Authorized()
  @Query(() => SlaPreviewView, {
    description: 'Deadlines an incident reported at `at` would get under the contract (at the site, if given)',
  })
  slaPreview(
    @Ctx() ctx: HubContext,
    @Arg('contractId', () => ID) contractId: string,
    @Arg('severity', () => Severity) severity: Severity,
    @Arg('at') at: Date,
    @Arg('siteId', () => ID, { nullable: true }) siteId?: string,
  ): Promise<SlaPreviewView> {
    return this.service.slaPreview(principalOf(ctx), contractId, severity, at, siteId) as Promise<SlaPreviewView>;
  }

  // ---- commands -----------------------------------------------------------------

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.CUSTOMER)
  @Mutation(() => Incident, { description: 'Opens an incident with its deadlines; idempotent per customer with externalRef' })
  reportIncident(@Arg('input') input: ReportIncidentInput, @Ctx() ctx: HubContext): Promise<Incident> {
    return this.commands.reportIncident(userActor(principalOf(ctx)), input);
  }

  @Authorized(...WORKERS)
  @Mutation(() => Incident)
  acknowledgeIncident(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: HubContext,
    @Arg('note', () => String, { nullable: true }) note?: string,
  ): Promise<Incident> {
    return this.act(ctx, (tx, actor) => this.commands.acknowledge(tx, actor, id, note));
  }

  @Authorized(...WORKERS)
  @Mutation(() => Incident, { description: 'Moves an incident along its lifecycle; INVALID_TRANSITION lists the allowed moves' })
  transitionIncident(
    @Arg('id', () => ID) id: string,
    @Arg('to', () => IncidentStatus) to: IncidentStatus,
    @Ctx() ctx: HubContext,
    @Arg('note', () => String, { nullable: true }) note?: string,
  ): Promise<Incident> {
    return this.act(ctx, (tx, actor) => this.commands.transition(tx, actor, id, to, note));
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => Incident, { description: 'Re-baselines the targets; business time already used and pauses are kept' })
  changeIncidentSeverity(
    @Arg('id', () => ID) id: string,
    @Arg('severity', () => Severity) severity: Severity,
    @Arg('reason') reason: string,
    @Ctx() ctx: HubContext,
  ): Promise<Incident> {
    return this.act(ctx, (tx, actor) => this.commands.changeSeverity(tx, actor, id, severity, reason));
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => Incident, { description: 'Assigns a support centre and/or support tier' })
  assignIncident(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: HubContext,
    @Arg('centreId', () => ID, { nullable: true }) centreId?: string,
    @Arg('supportTier', () => Int, { nullable: true }) supportTier?: number,
  ): Promise<Incident> {
    return this.act(ctx, (tx, actor) => this.commands.assign(tx, actor, id, centreId, supportTier));
  }

  @Authorized(...WORKERS)
  @Mutation(() => Incident)
  recordDiagnosis(@Arg('id', () => ID) id: string, @Arg('input') input: DiagnosisInput, @Ctx() ctx: HubContext): Promise<Incident> {
    return this.act(ctx, (tx, actor) => this.commands.recordDiagnosis(tx, actor, id, input));
  }

  @Authorized(Role.CUSTOMER)
  @Mutation(() => Incident, { description: 'The customer confirms the restoration and closes the incident' })
  confirmIncidentClosure(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: HubContext,
    @Arg('satisfaction', () => Int, { nullable: true, description: '1 (poor) to 5 (excellent)' }) satisfaction?: number,
    @Arg('comment', () => String, { nullable: true }) comment?: string,
  ): Promise<Incident> {
    return this.act(ctx, (tx, actor) => this.commands.confirmClosure(tx, actor, id, satisfaction, comment));
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => Incident, { description: "Closes on the customer's consent given outside the hub; the consent must be referenced" })
  closeIncidentWithConsent(
    @Arg('id', () => ID) id: string,
    @Arg('consentReference') consentReference: string,
    @Ctx() ctx: HubContext,
    @Arg('note', () => String, { nullable: true }) note?: string,
    @Arg('satisfaction', () => Int, { nullable: true }) satisfaction?: number,
  ): Promise<Incident> {
    return this.act(ctx, (tx, actor) => this.commands.closeWithConsent(tx, actor, id, consentReference, note, satisfaction));
  }

  @Authorized(...WORKERS)
  @Mutation(() => Incident, { description: 'A progress note; resets the emergency progress deadline' })
  postIncidentProgress(@Arg('id', () => ID) id: string, @Arg('message') message: string, @Ctx() ctx: HubContext): Promise<Incident> {
    return this.act(ctx, (tx, actor) => this.commands.postProgress(tx, actor, id, message));
  }

  @Authorized(...WORKERS)
  @Mutation(() => EmergencyReport, { description: 'The final report of an emergency incident (once restored)' })
  submitEmergencyReport(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: EmergencyReportInput,
    @Ctx() ctx: HubContext,
  ): Promise<EmergencyReport> {
    return this.act(ctx, (tx, actor) => this.commands.submitEmergencyReport(tx, actor, id, input));
  }

  // ---- live updates ---------------------------------------------------------------

  @Authorized()
  @Subscription(() => IncidentUpdateView, {
    topics: INCIDENT_UPDATED,
    // A customer listens on its own channel; staff and partner centres on the one with every update (partners filtered below).
    topicId: ({ context }: { context: HubContext }) =>
      isStaff(context.principal) || context.principal?.role === Role.PARTNER ? ALL_INCIDENTS : (context.principal?.scopeId ?? 'none'),
    // Re-checked per event, on the incident as it is after the change (e.g. a centre assignment).
    filter: ({
      payload,
      args,
      context,
    }: {
      payload: IncidentUpdatePayload;
      args: { incidentId?: string; customerId?: string };
      context: HubContext;
    }) =>
      canSee(context.principal, Incident, payload.incident) &&
      (!args.incidentId || payload.incident.id === args.incidentId) &&
      (!args.customerId || payload.incident.customerId === args.customerId),
    description: 'Status changes, clock warnings, breaches, severity changes and escalations as they happen',
  })
  incidentUpdated(
    @Root() payload: IncidentUpdatePayload,
    @Ctx() ctx: HubContext,
    @Arg('incidentId', () => ID, { nullable: true }) _incidentId?: string,
    @Arg('customerId', () => ID, { nullable: true }) _customerId?: string,
  ): IncidentUpdateView {
    // graphql-ws keeps one context for the whole subscription: fresh loaders per event, or nested fields would show the first event's data.
    ctx.loaders = new Loaders();
    return {
      kind: payload.kind,
      message: payload.message,
      at: new Date(payload.at),
      clock: payload.clock as SlaClockKind | null,
      incident: incidentFromSnapshot(payload.incident),
    };
  }

  // ---- nested fields (to-one inherit the incident's authorization) ----------------

  @FieldResolver(() => Customer)
  customer(@Root() incident: Incident, @Ctx() ctx: HubContext): Promise<Customer> {
    return customerLoader(ctx).load(incident.customerId);
  }

  @FieldResolver(() => Site)
  site(@Root() incident: Incident, @Ctx() ctx: HubContext): Promise<Site> {
    return siteLoader(ctx).load(incident.siteId);
  }

  @FieldResolver(() => Device, { nullable: true })
  device(@Root() incident: Incident, @Ctx() ctx: HubContext): Promise<Device> | null {
    return incident.deviceId ? deviceLoader(ctx).load(incident.deviceId) : null;
  }

  @FieldResolver(() => ServiceContract)
  contract(@Root() incident: Incident, @Ctx() ctx: HubContext): Promise<ServiceContract> {
    return contractLoader(ctx).load(incident.contractId);
  }

  @FieldResolver(() => [SlaClockView], { description: 'Response, on-site (if promised) and restore clocks as of now' })
  async clocks(@Root() incident: Incident, @Ctx() ctx: HubContext): Promise<SlaClockView[]> {
    const [calendar, contract] = await Promise.all([
      workingCalendarLoader(ctx).load(incident.calendarRegion),
      contractLoader(ctx).load(incident.contractId),
    ]);
    return this.service.clockStatuses(incident, calendar, contract).map(({ stored, status: st }) => ({
      kind: stored.kind as SlaClockKind,
      state: st.cancelled
        ? SlaClockState.CANCELLED
        : st.breached
          ? SlaClockState.BREACHED
          : st.met
            ? SlaClockState.MET
            : st.paused
              ? SlaClockState.PAUSED
              : SlaClockState.RUNNING,
      target: stored.target,
      budgetMs: st.budgetMs,
      startedAt: new Date(stored.startedAt),
      dueAt: st.dueAt,
      met: st.met,
      breached: st.breached,
      breachedAt: st.breachedAt ?? null,
      paused: st.paused,
      stoppedAt: stored.stoppedAt ? new Date(stored.stoppedAt) : null,
      usedMs: st.usedMs,
      remainingMs: st.remainingMs,
      overdueMs: st.overdueMs,
      warning: st.warning,
      calendarIncomplete: st.calendarIncomplete,
      pauses: stored.pauses.map((p) => ({ from: new Date(p.from), to: p.to ? new Date(p.to) : null, reason: p.reason ?? null })),
    }));
  }

  @FieldResolver(() => [IncidentStatus], { description: 'Where transitionIncident may move it now' })
  allowedTransitions(@Root() incident: Incident): IncidentStatus[] {
    return allowedTransitions(incident.status).filter((s) => s !== IncidentStatus.CLOSED) as IncidentStatus[];
  }

  @FieldResolver(() => Boolean, { description: 'An emergency ran and its final report is still missing' })
  async emergencyReportDue(@Root() incident: Incident, @Ctx() ctx: HubContext): Promise<boolean> {
    if (!incident.emergencyActivatedAt || incident.status === IncidentStatus.CANCELLED) return false;
    return (await emergencyReportLoader(ctx).load(incident.id)) === null;
  }

  @FieldResolver(() => [IncidentEvent], { description: 'Every change: who, what, when' })
  timeline(@Root() incident: Incident, @Ctx() ctx: HubContext): Promise<IncidentEvent[]> {
    return incidentEventsLoader(ctx).load(incident.id);
  }

  @FieldResolver(() => [IncidentEscalation])
  escalations(@Root() incident: Incident, @Ctx() ctx: HubContext): Promise<IncidentEscalation[]> {
    return incidentEscalationsLoader(ctx).load(incident.id);
  }

  @FieldResolver(() => IncidentDiagnosis, { nullable: true })
  diagnosis(@Root() incident: Incident, @Ctx() ctx: HubContext): Promise<IncidentDiagnosis | null> {
    return incidentDiagnosisLoader(ctx).load(incident.id);
  }

  @FieldResolver(() => EmergencyReport, { nullable: true })
  emergencyReport(@Root() incident: Incident, @Ctx() ctx: HubContext): Promise<EmergencyReport | null> {
    return emergencyReportLoader(ctx).load(incident.id);
  }
}

/** A device's service history (the device query lives in the customers module). */
@Resolver(() => Device)
export class DeviceIncidentsResolver {
  @FieldResolver(() => [Incident], { description: 'Every incident of this unit the key may see, newest first' })
  incidents(@Root() device: Device, @Ctx() ctx: HubContext): Promise<Incident[]> {
    return deviceIncidentsLoader(ctx).load(device.id);
  }
}
