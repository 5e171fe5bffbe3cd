import { userActor } from '../../platform/auth/actor';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../platform/auth/principal';
import { ConnectionType, type Connection } from '../../platform/graphql/connection';
import { HubContext, principalOf } from '../../platform/graphql/context';
import type { Hub } from '../../platform/hub';
import { ServiceContract } from '../contracts/contract.entity';
import { contractLoader } from '../contracts/contracts.loaders';
import { Customer, Device, Site } from '../customers/customer.entity';
import { customerLoader, deviceLoader, siteLoader } from '../customers/customers.loaders';
import { Incident } from '../incidents/incident.entity';
import { SupportCentre } from '../support-network/support-centre.entity';
import { centreLoader } from '../support-network/support-network.loaders';
import { Inspection, InspectionEvent, InspectionItem, InspectionPlan, InspectionStatus } from './inspection.entity';
import {
  CreateInspectionPlanInput,
  InspectionFilter,
  InspectionReportInput,
  OpenInspectionIncidentInput,
  RecordInspectionVisitInput,
} from './inspections.inputs';
import { findingIncidentLoader, inspectionEventsLoader, inspectionItemsLoader, inspectionPlanLoader } from './inspections.loaders';
import { InspectionCommands } from './inspection.commands';
import { InspectionPlans } from './inspection-plans';
import { InspectionsService } from './inspections.service';

const STAFF = [Role.ADMIN, Role.OPERATOR];
/** Who makes visits and writes reports: the service desk, and the partner centre the inspection is assigned to. */
const WORKERS = [Role.ADMIN, Role.OPERATOR, Role.PARTNER];

export const InspectionConnection = ConnectionType(Inspection);

@Resolver(() => InspectionPlan)
export class InspectionPlanResolver {
  private readonly service: InspectionsService;
  private readonly plans: InspectionPlans;
  constructor(hub: Hub) {
    this.service = hub.get(InspectionsService);
    this.plans = hub.get(InspectionPlans);
  }

  @Authorized()
  @Query(() => [InspectionPlan], { description: 'Inspection plans the key may see' })
  inspectionPlans(
    @Ctx() ctx: HubContext,
    @Arg('customerId', () => ID, { nullable: true }) customerId?: string,
    @Arg('contractId', () => ID, { nullable: true }) contractId?: string,
  ): Promise<InspectionPlan[]> {
    return this.service.listPlans(principalOf(ctx), { customerId, contractId });
  }

  @Authorized()
  @Query(() => InspectionPlan)
  inspectionPlan(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext): Promise<InspectionPlan> {
    return this.service.getPlan(principalOf(ctx), id);
  }

  @Authorized(...STAFF)
  @Mutation(() => InspectionPlan, { description: 'Creates the plan and generates its inspections up to the horizon (then daily)' })
  createInspectionPlan(@Arg('input') input: CreateInspectionPlanInput, @Ctx() ctx: HubContext): Promise<InspectionPlan> {
    return this.plans.createPlan(userActor(principalOf(ctx)), input);
  }

  @Authorized(...STAFF)
  @Mutation(() => InspectionPlan, { description: 'Stops generation and cancels the inspections not visited yet' })
  deactivateInspectionPlan(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext): Promise<InspectionPlan> {
    return this.plans.deactivatePlan(principalOf(ctx), id);
  }

  @FieldResolver(() => Site)
  site(@Root() plan: InspectionPlan, @Ctx() ctx: HubContext): Promise<Site> {
    return siteLoader(ctx).load(plan.siteId);
  }

  @FieldResolver(() => Customer)
  customer(@Root() plan: InspectionPlan, @Ctx() ctx: HubContext): Promise<Customer> {
    return customerLoader(ctx).load(plan.customerId);
  }

  @FieldResolver(() => ServiceContract)
  contract(@Root() plan: InspectionPlan, @Ctx() ctx: HubContext): Promise<ServiceContract> {
    return contractLoader(ctx).load(plan.contractId);
  }
}

@Resolver(() => Inspection)
export class InspectionResolver {
  private readonly service: InspectionsService;
  private readonly commands: InspectionCommands;
  constructor(hub: Hub) {
    this.service = hub.get(InspectionsService);
    this.commands = hub.get(InspectionCommands);
  }

  @Authorized()
  @Query(() => InspectionConnection, { description: 'Inspections the key may see, by planned date' })
  inspections(
    @Ctx() ctx: HubContext,
    @Arg('filter', () => InspectionFilter, { nullable: true }) filter?: InspectionFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Connection<Inspection>> {
    return this.service.list(principalOf(ctx), filter, { first, after });
  }

  @Authorized()
  @Query(() => Inspection)
  inspection(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext): Promise<Inspection> {
    return this.service.get(principalOf(ctx), id);
  }

  @Authorized(...WORKERS)
  @Mutation(() => Inspection, { description: 'Records the visit and its checklist; the report clock starts (again: amends the checklist)' })
  recordInspectionVisit(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: RecordInspectionVisitInput,
    @Ctx() ctx: HubContext,
  ): Promise<Inspection> {
    return this.commands.recordVisit(principalOf(ctx), id, input);
  }

  @Authorized(...WORKERS)
  @Mutation(() => Inspection, { description: 'The written report; stops the report clock' })
  submitInspectionReport(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: InspectionReportInput,
    @Ctx() ctx: HubContext,
  ): Promise<Inspection> {
    return this.commands.submitReport(principalOf(ctx), id, input);
  }

  @Authorized(...STAFF)
  @Mutation(() => Inspection)
  cancelInspection(@Arg('id', () => ID) id: string, @Arg('reason') reason: string, @Ctx() ctx: HubContext): Promise<Inspection> {
    return this.commands.cancel(principalOf(ctx), id, reason);
  }

  @Authorized(...WORKERS)
  @Mutation(() => InspectionItem, { description: 'Opens an incident for a checklist finding (once per device and inspection)' })
  openIncidentFromInspection(@Arg('input') input: OpenInspectionIncidentInput, @Ctx() ctx: HubContext): Promise<InspectionItem> {
    return this.commands.openIncident(principalOf(ctx), input);
  }

  @FieldResolver(() => [InspectionItem], { description: 'Checklist: one entry per device' })
  checklist(@Root() inspection: Inspection, @Ctx() ctx: HubContext): Promise<InspectionItem[]> {
    return inspectionItemsLoader(ctx).load(inspection.id);
  }

  @FieldResolver(() => [InspectionEvent])
  timeline(@Root() inspection: Inspection, @Ctx() ctx: HubContext): Promise<InspectionEvent[]> {
    return inspectionEventsLoader(ctx).load(inspection.id);
  }

  @FieldResolver(() => InspectionPlan)
  plan(@Root() inspection: Inspection, @Ctx() ctx: HubContext): Promise<InspectionPlan> {
    return inspectionPlanLoader(ctx).load(inspection.planId);
  }

  @FieldResolver(() => Site)
  site(@Root() inspection: Inspection, @Ctx() ctx: HubContext): Promise<Site> {
    return siteLoader(ctx).load(inspection.siteId);
  }

  @FieldResolver(() => Customer)
  customer(@Root() inspection: Inspection, @Ctx() ctx: HubContext): Promise<Customer> {
    return customerLoader(ctx).load(inspection.customerId);
  }

  @FieldResolver(() => SupportCentre, { nullable: true })
  centre(@Root() inspection: Inspection, @Ctx() ctx: HubContext): Promise<SupportCentre> | null {
    return inspection.centreId ? centreLoader(ctx).load(inspection.centreId) : null;
  }

  @FieldResolver(() => Boolean, { description: 'Not visited by the end of dueBy (as of now)' })
  visitOverdue(@Root() i: Inspection): boolean {
    return !!i.visitOverdueAt || (i.status === InspectionStatus.SCHEDULED && i.visitDueAt.getTime() < Date.now());
  }

  @FieldResolver(() => Boolean, { description: 'Visited, and the report is past its deadline (as of now)' })
  reportOverdue(@Root() i: Inspection): boolean {
    return !!i.reportOverdueAt || (i.status === InspectionStatus.DONE && !!i.reportDueAt && i.reportDueAt.getTime() < Date.now());
  }

  @FieldResolver(() => Boolean, { nullable: true, description: 'Null until the report is submitted' })
  reportOnTime(@Root() i: Inspection): boolean | null {
    return i.reportSubmittedAt ? !i.reportDueAt || i.reportSubmittedAt.getTime() <= i.reportDueAt.getTime() : null;
  }
}

@Resolver(() => InspectionItem)
export class InspectionItemResolver {
  @FieldResolver(() => Device)
  device(@Root() item: InspectionItem, @Ctx() ctx: HubContext): Promise<Device> {
    return deviceLoader(ctx).load(item.deviceId);
  }

  @FieldResolver(() => Incident, { nullable: true })
  incident(@Root() item: InspectionItem, @Ctx() ctx: HubContext): Promise<Incident | null> | null {
    return item.incidentId ? findingIncidentLoader(ctx).load(item.incidentId) : null;
  }
}
