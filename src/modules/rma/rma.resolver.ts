import { userActor } from '../../platform/auth/actor';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Info,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { isStaff, Role } from '../../platform/auth/principal';
import { canSee } from '../../platform/auth/scope';
import type { GraphQLResolveInfo } from 'graphql';
import { ConnectionType } from '../../platform/graphql/connection';
import { prefetchNodeFields, type NodeFieldPrefetch } from '../../platform/graphql/prefetch';
import { HubContext, principalOf } from '../../platform/graphql/context';
import type { Hub } from '../../platform/hub';
import { Customer, Device, Site } from '../customers/customer.entity';
import { customerLoader, deviceLoader, siteLoader } from '../customers/customers.loaders';
import { Incident } from '../incidents/incident.entity';
import { Loan } from '../loaners/loaner.entity';
import { SupportCentre } from '../support-network/support-centre.entity';
import { centreLoader } from '../support-network/support-network.loaders';
import { LoanerComplianceEnum, Rma, RmaEvent, RmaPart } from './rma.entity';
import {
  ApproveRmaInput,
  RecordPartsWaiverInput,
  RecordReplacementPartInput,
  RecordRmaEventInput,
  RecordRmaEventResult,
  RequestRmaInput,
  RmaFilter,
} from './rma.inputs';
import { ALL_RMAS, customerChannel, RMA_UPDATED } from './rma.changes';
import { calendarByRegionLoader, rmaByIdLoader, rmaHistoryLoader, rmaIncidentLoader, rmaLoanLoader, rmaPartsLoader } from './rma.loaders';
import { RmaService } from './rma.service';
import type { ProcessOutcome } from './rma.processor';
import { loanerCompliance, repairOverdue, type LoanerCompliance } from './rules/loaner-compliance';
import { isTerminal } from './rules/state-machine';
import { repairWorkingDays } from './rules/loaner-rule';

const RmaConnection = ConnectionType(Rma);

@ObjectType({ description: 'Everything the hub knows about one serial number: its RMAs and their timelines, oldest first' })
class SerialHistory {
  @Field() serialNumber: string;
  @Field(() => [Rma]) rmas: Rma[];
  @Field(() => [RmaEvent]) events: RmaEvent[];
}

/** Date columns of Rma, to revive a live payload (JSON) into the entity shape. */
const DATE_FIELDS: ReadonlyArray<keyof Rma> = [
  'requestedAt',
  'outOfServiceAt',
  'statusChangedAt',
  'approvedAt',
  'validUntil',
  'advanceShippedAt',
  'defectiveReceivedAt',
  'repairStartedAt',
  'repairCompletedAt',
  'returnedAt',
  'replacedAt',
  'rejectedAt',
  'expiredAt',
  'serviceRestoredAt',
  'loanerDeadline',
  'projectedCompletionAt',
  'loanerRequiredAt',
  'loanerDueAt',
  'loanerAssignedAt',
  'loanerDeliveredAt',
  'partsWaiverAt',
  'createdAt',
  'updatedAt',
];

function revive(payload: Record<string, unknown>): Rma {
  const rma = Object.assign(new Rma(), payload);
  for (const field of DATE_FIELDS) {
    const value = payload[field];
    (rma as unknown as Record<string, unknown>)[field] = typeof value === 'string' ? new Date(value) : (value ?? null);
  }
  return rma;
}

/**
 * The nested fields of an RMA page loaded for the whole page before it is
 * walked (same loaders and keys as the field resolvers below, which then
 * answer from what is loaded instead of with a promise per row).
 */
const RMA_NODE_PREFETCH: Record<string, NodeFieldPrefetch<Rma>> = {
  device: (ctx, rmas) => deviceLoader(ctx).loadMany(rmas.map((rma) => rma.deviceId)),
  customer: (ctx, rmas) => customerLoader(ctx).loadMany(rmas.map((rma) => rma.customerId)),
  site: (ctx, rmas) => siteLoader(ctx).loadMany(rmas.map((rma) => rma.siteId)),
  centre: (ctx, rmas) => centreLoader(ctx).loadMany(rmas.map((rma) => rma.centreId)),
  originCentre: (ctx, rmas) => centreLoader(ctx).loadMany(rmas.map((rma) => rma.originCentreId)),
  incident: (ctx, rmas) => rmaIncidentLoader(ctx).loadMany(rmas.flatMap((rma) => (rma.incidentId ? [rma.incidentId] : []))),
  parts: (ctx, rmas) => rmaPartsLoader(ctx).loadMany(rmas.map((rma) => rma.id)),
  history: (ctx, rmas) => rmaHistoryLoader(ctx).loadMany(rmas.map((rma) => rma.id)),
  loaner: (ctx, rmas) => rmaLoanLoader(ctx).loadMany(rmas.map((rma) => rma.number)),
};

function resultOf(outcome: ProcessOutcome & { eventId: string }): RecordRmaEventResult {
  const refused = outcome.kind === 'REFUSED' ? outcome.error : null;
  return {
    eventId: outcome.eventId,
    outcome: outcome.kind,
    errorCode: refused?.code ?? null,
    errorMessage: refused?.message ?? null,
    waitingFor: outcome.kind === 'HELD' ? outcome.waitingFor : null,
    rma: outcome.kind === 'REFUSED' ? null : outcome.rma,
  };
}

@Resolver(() => Rma)
export class RmaResolver {
  private readonly service: RmaService;
  constructor(hub: Hub) {
    this.service = hub.get(RmaService);
  }

  @Authorized()
  @Query(() => Rma, { description: 'One RMA by its number' })
  rma(@Arg('number') number: string, @Ctx() ctx: HubContext): Promise<Rma> {
    return this.service.getRma(principalOf(ctx), number);
  }

  @Authorized()
  @Query(() => RmaConnection, { description: 'RMAs the key may see, newest first' })
  async rmas(
    @Ctx() ctx: HubContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => RmaFilter, { nullable: true }) filter?: RmaFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = await this.service.listRmas(principalOf(ctx), filter ?? {}, { first, after });
    await prefetchNodeFields(
      ctx,
      info,
      page.edges.map((edge) => edge.node),
      RMA_NODE_PREFETCH,
    );
    return page;
  }

  @Authorized()
  @Query(() => SerialHistory, { description: 'RMA history of a serial number (the RMAs and timelines the key may see)' })
  rmaHistoryBySerial(@Arg('serial') serial: string, @Ctx() ctx: HubContext): Promise<SerialHistory> {
    return this.service.historyBySerial(principalOf(ctx), serial);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => Rma, { description: 'Opens an RMA and asks the centre to handle it (outbound RmaRequested)' })
  requestRma(@Arg('input') input: RequestRmaInput, @Ctx() ctx: HubContext): Promise<Rma> {
    return this.service.requestRma(userActor(principalOf(ctx)), input);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => Rma, { description: 'Same as an RmaApproved event from the centre' })
  approveRma(
    @Arg('number') number: string,
    @Ctx() ctx: HubContext,
    @Arg('input', () => ApproveRmaInput, { nullable: true }) input?: ApproveRmaInput,
  ): Promise<Rma> {
    return this.service.approveRma(principalOf(ctx), number, input ?? {});
  }

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.PARTNER)
  @Mutation(() => Rma, {
    description: 'Moves the RMA to the parent of its centre. A PARTNER key acts for its centre and must be on the escalation path.',
  })
  escalateRma(
    @Arg('number') number: string,
    @Ctx() ctx: HubContext,
    @Arg('reason', () => String, { nullable: true }) reason?: string,
  ): Promise<Rma> {
    return this.service.escalateRma(principalOf(ctx), number, reason ?? null);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.PARTNER)
  @Mutation(() => RecordRmaEventResult, {
    description:
      'Records an RMA event; same pipeline and rules as the Kafka event (dedupe by eventId, hold, late facts). Staff record what a centre ' +
      "reported by other means; a PARTNER key pushes its own centre's events, on RMAs it can see (NOT_FOUND otherwise).",
  })
  async recordRmaEvent(@Arg('input') input: RecordRmaEventInput, @Ctx() ctx: HubContext): Promise<RecordRmaEventResult> {
    const outcome = await this.service.recordEvent(userActor(principalOf(ctx)), input);
    if (outcome.kind === 'REFUSED') throw outcome.error;
    return resultOf(outcome);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.PARTNER)
  @Mutation(() => [RecordRmaEventResult], {
    description:
      'Records up to a page (GRAPHQL_MAX_PAGE_SIZE) of RMA events in one transaction, as the Kafka consumer applies a batch; results in input order. ' +
      'A refused event is dead-lettered and reported as REFUSED, the others apply. A PARTNER key: every RMA must be in its scope, or NOT_FOUND and nothing is applied.',
  })
  async recordRmaEvents(
    @Arg('inputs', () => [RecordRmaEventInput]) inputs: RecordRmaEventInput[],
    @Ctx() ctx: HubContext,
  ): Promise<RecordRmaEventResult[]> {
    return (await this.service.recordEvents(userActor(principalOf(ctx)), inputs)).map(resultOf);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => Rma, { description: "Records the customer's written waiver of the new-original-parts rule" })
  recordPartsWaiver(@Arg('input') input: RecordPartsWaiverInput, @Ctx() ctx: HubContext): Promise<Rma> {
    return this.service.recordPartsWaiver(principalOf(ctx), input);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => RmaPart, {
    description: 'Records a replacement part; refused with PARTS_POLICY_VIOLATION unless new and original or waived',
  })
  recordReplacementPart(@Arg('input') input: RecordReplacementPartInput, @Ctx() ctx: HubContext): Promise<RmaPart> {
    return this.service.recordReplacementPart(principalOf(ctx), input);
  }

  @Authorized()
  @Subscription(() => Rma, {
    topics: RMA_UPDATED,
    // Staff listen to every RMA or one centre's; a partner to its centre (or one below it); a customer to its own.
    topicId: ({ args, context }: { args: { centreId?: string | null }; context: HubContext }) => {
      const principal = context.principal;
      if (isStaff(principal)) return args.centreId ?? ALL_RMAS;
      if (principal?.role === Role.CUSTOMER && principal.scopeId) return customerChannel(principal.scopeId);
      if (principal?.role === Role.PARTNER) {
        const wanted = args.centreId ?? principal.scopeId;
        return wanted && principal.visibleScopeIds.includes(wanted) ? wanted : 'none';
      }
      return 'none';
    },
    // Re-checked per event: the payload must be visible to the key.
    filter: ({ payload, context }: { payload: Record<string, unknown>; context: HubContext }) => canSee(context.principal, Rma, payload),
    description: 'RMAs as they change: an RMA is published on the channel of every centre on its escalation path',
  })
  rmaUpdated(@Root() payload: Record<string, unknown>, @Arg('centreId', () => ID, { nullable: true }) _centreId?: string): Rma {
    return revive(payload);
  }

  // Nested fields: to-one fields inherit the RMA's authorization; all batched per request.

  @FieldResolver(() => Device)
  device(@Root() rma: Rma, @Ctx() ctx: HubContext): Device | Promise<Device> {
    return deviceLoader(ctx).loadNow(rma.deviceId);
  }

  @FieldResolver(() => Customer)
  customer(@Root() rma: Rma, @Ctx() ctx: HubContext): Customer | Promise<Customer> {
    return customerLoader(ctx).loadNow(rma.customerId);
  }

  @FieldResolver(() => Site)
  site(@Root() rma: Rma, @Ctx() ctx: HubContext): Site | Promise<Site> {
    return siteLoader(ctx).loadNow(rma.siteId);
  }

  @FieldResolver(() => SupportCentre, { description: 'The centre the RMA is assigned to' })
  centre(@Root() rma: Rma, @Ctx() ctx: HubContext): SupportCentre | Promise<SupportCentre> {
    return centreLoader(ctx).loadNow(rma.centreId);
  }

  @FieldResolver(() => SupportCentre, { description: 'The centre that raised it' })
  originCentre(@Root() rma: Rma, @Ctx() ctx: HubContext): SupportCentre | Promise<SupportCentre> {
    return centreLoader(ctx).loadNow(rma.originCentreId);
  }

  @FieldResolver(() => Incident, { nullable: true })
  incident(@Root() rma: Rma, @Ctx() ctx: HubContext): Incident | null | Promise<Incident | null> {
    return rma.incidentId ? rmaIncidentLoader(ctx).loadNow(rma.incidentId) : null;
  }

  @FieldResolver(() => [RmaPart], { description: 'Faulty parts reported and replacement parts fitted' })
  parts(@Root() rma: Rma, @Ctx() ctx: HubContext): RmaPart[] | Promise<RmaPart[]> {
    return rmaPartsLoader(ctx).loadNow(rma.id);
  }

  @FieldResolver(() => [RmaEvent], { description: 'The timeline, in the order the hub applied it (seq)' })
  history(@Root() rma: Rma, @Ctx() ctx: HubContext): RmaEvent[] | Promise<RmaEvent[]> {
    return rmaHistoryLoader(ctx).loadNow(rma.id);
  }

  @FieldResolver(() => Rma, { nullable: true, description: 'The earlier RMA that made this one a second failure' })
  async referenceRma(@Root() rma: Rma, @Ctx() ctx: HubContext): Promise<Rma | null> {
    if (!rma.referenceRmaId) return null;
    const reference = await rmaByIdLoader(ctx).load(rma.referenceRmaId);
    // A customer sees both (same device); a partner only if the earlier RMA is on its path too.
    return canSee(ctx.principal, Rma, reference) ? reference : null;
  }

  @FieldResolver(() => Loan, { nullable: true, description: 'The loan of a loaner for this RMA (loaners module)' })
  loaner(@Root() rma: Rma, @Ctx() ctx: HubContext): Loan | null | Promise<Loan | null> {
    return rmaLoanLoader(ctx).loadNow(rma.number);
  }

  @FieldResolver(() => LoanerComplianceEnum, {
    description: 'Whether the loaner promise was kept (delivery as reported by the centre or recorded on the loan, whichever is first)',
  })
  async loanerCompliance(@Root() rma: Rma, @Ctx() ctx: HubContext): Promise<LoanerCompliance> {
    const loan = rma.loanerRequired ? await rmaLoanLoader(ctx).load(rma.number) : null;
    const delivered = [rma.loanerDeliveredAt, loan?.deliveredAt ?? null]
      .filter((d): d is Date => !!d)
      .sort((a, b) => a.getTime() - b.getTime());
    return loanerCompliance({
      required: rma.loanerRequired,
      dueAt: rma.loanerDueAt,
      deliveredAt: delivered[0] ?? null,
      serviceRestoredAt: rma.serviceRestoredAt,
      now: new Date(),
    });
  }

  @FieldResolver(() => Int, {
    description: 'Working days (site calendar) the customer has been without the unit, up to now or until it was back',
  })
  async repairWorkingDays(@Root() rma: Rma, @Ctx() ctx: HubContext): Promise<number> {
    const site = await siteLoader(ctx).load(rma.siteId);
    const calendar = await calendarByRegionLoader(ctx).load(site.calendarRegion);
    return repairWorkingDays({
      repairStart: rma.outOfServiceAt,
      until: rma.serviceRestoredAt ?? new Date(),
      calendar,
      timeZone: site.timeZone,
    }).workingDays;
  }

  @FieldResolver(() => Boolean, { description: 'Open, past its loaner deadline, and the customer still without a working unit' })
  overdue(@Root() rma: Rma): boolean {
    return repairOverdue({
      closed: isTerminal(rma.status),
      serviceRestoredAt: rma.serviceRestoredAt,
      loanerDeadline: rma.loanerDeadline,
      now: new Date(),
    });
  }
}
