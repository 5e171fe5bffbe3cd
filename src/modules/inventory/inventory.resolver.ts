import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Role } from '../../platform/auth/principal';
import { canSee } from '../../platform/auth/scope';
import type { Connection } from '../../platform/graphql/connection';
import { HubContext, principalOf } from '../../platform/graphql/context';
import type { Hub } from '../../platform/hub';
import { Customer } from '../customers/customer.entity';
import { customerLoader } from '../customers/customers.loaders';
import { ReplenishmentSuggestion, StockAlert } from './alert.entity';
import { AlertsService, fromAlertPayload, StockAlertPayload } from './alerts.service';
import { Depot, DepotCoverage } from './depot.entity';
import { DepotsService } from './depots.service';
import { STOCK_ALERT_TOPIC } from './inventory.events';
import {
  AnnouncePartEolInput,
  CreateDepotInput,
  CreatePartInput,
  DepotCoverageInput,
  DispatchReservationInput,
  FindSpareArgs,
  MovementFilter,
  PartFilter,
  ReceiveStockInput,
  RecordStockTakeInput,
  ReservationFilter,
  ReservePartsInput,
  ReturnDefectivePartInput,
  SetReorderPolicyInput,
  StockAlertFilter,
  StockFilter,
  StockTakeFilter,
  SuggestionFilter,
  TransferFilter,
  TransferStockInput,
} from './inventory.inputs';
import { coverageLoader, depotLoader, fitsModelsLoader, partLoader, stockTakeLinesLoader } from './inventory.loaders';
import {
  EolImpact,
  EolImpactCustomer,
  ReservationConnection,
  SpareOption,
  StockAlertConnection,
  StockMovementConnection,
} from './inventory.types';
import { Part } from './part.entity';
import { PartsService } from './parts.service';
import { Reservation } from './reservation.entity';
import { ReservationsService } from './reservations.service';
import { Stock, StockMovement } from './stock.entity';
import { StockTake, StockTakeLine } from './stock-take.entity';
import { StockTakesService } from './stock-takes.service';
import { available, StockService } from './stock.service';
import { StockTransfer } from './transfer.entity';

const STAFF = [Role.ADMIN, Role.OPERATOR];
const DEPOT_ROLES = [Role.ADMIN, Role.OPERATOR, Role.WAREHOUSE];

const partOf = (ctx: HubContext, partId: string) => partLoader(ctx).load(partId);
const partNumberOf = async (ctx: HubContext, partId: string) => (await partLoader(ctx).load(partId)).partNumber;

@Resolver(() => Part)
export class PartResolver {
  private readonly service: PartsService;
  constructor(hub: Hub) {
    this.service = hub.get(PartsService);
  }

  @Authorized()
  @Query(() => [Part], { description: 'The parts catalogue (readable by every key)' })
  parts(@Arg('filter', () => PartFilter, { nullable: true }) filter?: PartFilter): Promise<Part[]> {
    return this.service.list(filter ?? {});
  }

  @Authorized()
  @Query(() => Part)
  part(@Arg('partNumber') partNumber: string): Promise<Part> {
    return this.service.get(partNumber);
  }

  @Authorized()
  @Query(() => EolImpact, { description: 'Installed base affected by the end of supply of a part (as far as the key may see devices)' })
  async eolImpact(@Arg('partNumber') partNumber: string, @Ctx() ctx: HubContext): Promise<EolImpact> {
    const impact = await this.service.eolImpact(principalOf(ctx), partNumber);
    return {
      part: impact.part,
      deviceCount: impact.deviceCount,
      customerCount: impact.customers.length,
      customers: impact.customers.map((c) => ({ customerId: c.customerId, deviceCount: c.devices.length, devices: c.devices })),
    };
  }

  @FieldResolver(() => [String], { description: 'Device models the part fits' })
  fitsModels(@Root() part: Part, @Ctx() ctx: HubContext): Promise<string[]> {
    return fitsModelsLoader(ctx).load(part.id);
  }

  @Authorized(...STAFF)
  @Mutation(() => Part)
  createPart(@Arg('input') input: CreatePartInput): Promise<Part> {
    return this.service.create(input);
  }

  @Authorized(...STAFF)
  @Mutation(() => Part, {
    description: 'Marks a part EOL and sends an END_OF_LIFE notice to every customer with an affected active device',
  })
  announcePartEol(@Arg('input') input: AnnouncePartEolInput, @Ctx() ctx: HubContext): Promise<Part> {
    return this.service.announceEol(principalOf(ctx), input);
  }
}

@Resolver(() => EolImpactCustomer)
export class EolImpactCustomerResolver {
  @FieldResolver(() => Customer)
  customer(@Root() row: EolImpactCustomer, @Ctx() ctx: HubContext): Promise<Customer> {
    return customerLoader(ctx).load(row.customerId);
  }
}

@Resolver(() => Depot)
export class DepotResolver {
  private readonly service: DepotsService;
  constructor(hub: Hub) {
    this.service = hub.get(DepotsService);
  }

  @Authorized()
  @Query(() => [Depot], { description: 'Depots the key may see (a WAREHOUSE key: its own)' })
  depots(@Ctx() ctx: HubContext): Promise<Depot[]> {
    return this.service.list(principalOf(ctx));
  }

  @FieldResolver(() => [DepotCoverage], { description: 'Regions and sites the depot delivers to, fastest first' })
  coverage(@Root() depot: Depot, @Ctx() ctx: HubContext): Promise<DepotCoverage[]> {
    return coverageLoader(ctx).load(depot.id);
  }

  @Authorized(...STAFF)
  @Mutation(() => Depot)
  createDepot(@Arg('input') input: CreateDepotInput): Promise<Depot> {
    return this.service.create(input);
  }

  @Authorized(...STAFF)
  @Mutation(() => [DepotCoverage], { description: "Replaces the depot's coverage with the given regions and sites" })
  setDepotCoverage(
    @Arg('depotId', () => ID) depotId: string,
    @Arg('coverage', () => [DepotCoverageInput]) coverage: DepotCoverageInput[],
  ): Promise<DepotCoverage[]> {
    return this.service.setCoverage(depotId, coverage);
  }
}

@Resolver(() => Stock)
export class StockResolver {
  private readonly stock: StockService;
  constructor(hub: Hub) {
    this.stock = hub.get(StockService);
  }

  @Authorized(...DEPOT_ROLES)
  @Query(() => [Stock])
  stockLevels(@Ctx() ctx: HubContext, @Arg('filter', () => StockFilter, { nullable: true }) filter?: StockFilter): Promise<Stock[]> {
    return this.stock.listStock(principalOf(ctx), filter ?? {});
  }

  @Authorized(...DEPOT_ROLES)
  @Query(() => [SpareOption], {
    description: 'Depots with the part available, those that can deliver to the site by the deadline first, then by delivery time',
  })
  findSpare(@Args() args: FindSpareArgs, @Ctx() ctx: HubContext) {
    return this.stock.findSpare(principalOf(ctx), args);
  }

  @FieldResolver(() => Int, { description: 'onHand - reserved; never negative' })
  available(@Root() line: Stock): number {
    return available(line);
  }

  @FieldResolver(() => Part)
  part(@Root() line: Stock, @Ctx() ctx: HubContext) {
    return partOf(ctx, line.partId);
  }

  @FieldResolver(() => String)
  partNumber(@Root() line: Stock, @Ctx() ctx: HubContext) {
    return partNumberOf(ctx, line.partId);
  }

  @FieldResolver(() => Depot)
  depot(@Root() line: Stock, @Ctx() ctx: HubContext) {
    return depotLoader(ctx).load(line.depotId);
  }

  @Authorized(...DEPOT_ROLES)
  @Mutation(() => Stock, { description: 'Books goods received (RECEIPT)' })
  receiveStock(@Arg('input') input: ReceiveStockInput, @Ctx() ctx: HubContext): Promise<Stock> {
    return this.stock.receive(principalOf(ctx), input);
  }

  @Authorized(...DEPOT_ROLES)
  @Mutation(() => Stock, { description: 'Books a failed part taken back for an RMA into DEFECTIVE stock (RETURN)' })
  returnDefectivePart(@Arg('input') input: ReturnDefectivePartInput, @Ctx() ctx: HubContext): Promise<Stock> {
    return this.stock.returnDefective(principalOf(ctx), input);
  }

  @Authorized(...STAFF)
  @Mutation(() => Stock)
  setReorderPolicy(@Arg('input') input: SetReorderPolicyInput): Promise<Stock> {
    return this.stock.setReorderPolicy(input);
  }
}

@Resolver(() => StockMovement)
export class StockMovementResolver {
  private readonly stock: StockService;
  constructor(hub: Hub) {
    this.stock = hub.get(StockService);
  }

  @Authorized(...DEPOT_ROLES)
  @Query(() => StockMovementConnection, { description: 'Stock movements, newest first' })
  stockMovements(
    @Ctx() ctx: HubContext,
    @Arg('filter', () => MovementFilter, { nullable: true }) filter?: MovementFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Connection<StockMovement>> {
    return this.stock.listMovements(principalOf(ctx), filter ?? {}, { first, after });
  }

  @FieldResolver(() => Part)
  part(@Root() m: StockMovement, @Ctx() ctx: HubContext) {
    return partOf(ctx, m.partId);
  }

  @FieldResolver(() => String)
  partNumber(@Root() m: StockMovement, @Ctx() ctx: HubContext) {
    return partNumberOf(ctx, m.partId);
  }

  @FieldResolver(() => Depot)
  depot(@Root() m: StockMovement, @Ctx() ctx: HubContext) {
    return depotLoader(ctx).load(m.depotId);
  }
}

@Resolver(() => Reservation)
export class ReservationResolver {
  private readonly service: ReservationsService;
  constructor(hub: Hub) {
    this.service = hub.get(ReservationsService);
  }

  @Authorized(...DEPOT_ROLES)
  @Query(() => ReservationConnection, { description: 'Reservations, newest first' })
  reservations(
    @Ctx() ctx: HubContext,
    @Arg('filter', () => ReservationFilter, { nullable: true }) filter?: ReservationFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Connection<Reservation>> {
    return this.service.list(principalOf(ctx), filter ?? {}, { first, after });
  }

  @Authorized(...DEPOT_ROLES)
  @Query(() => Reservation)
  reservation(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext): Promise<Reservation> {
    return this.service.get(principalOf(ctx), id);
  }

  @FieldResolver(() => Part)
  part(@Root() r: Reservation, @Ctx() ctx: HubContext) {
    return partOf(ctx, r.partId);
  }

  @FieldResolver(() => String)
  partNumber(@Root() r: Reservation, @Ctx() ctx: HubContext) {
    return partNumberOf(ctx, r.partId);
  }

  @FieldResolver(() => Depot)
  depot(@Root() r: Reservation, @Ctx() ctx: HubContext) {
    return depotLoader(ctx).load(r.depotId);
  }

  @Authorized(...DEPOT_ROLES)
  @Mutation(() => Reservation, {
    description:
      'Holds parts for an incident or RMA. Never reserves more than available; the same idempotencyKey returns the same reservation. ' +
      'Fails with INSUFFICIENT_STOCK (extensions.available) when stock is short.',
  })
  reserveParts(@Arg('input') input: ReservePartsInput, @Ctx() ctx: HubContext): Promise<Reservation> {
    return this.service.reserve(principalOf(ctx), input);
  }

  @Authorized(...DEPOT_ROLES)
  @Mutation(() => Reservation)
  releaseReservation(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: HubContext,
    @Arg('reason', () => String, { nullable: true }) reason?: string,
  ): Promise<Reservation> {
    return this.service.release(principalOf(ctx), id, reason);
  }

  @Authorized(...DEPOT_ROLES)
  @Mutation(() => Reservation, { description: 'Ships the reserved parts; a SPARES_LATE alert follows if delivery is not confirmed by the deadline' })
  dispatchReservation(@Arg('input') input: DispatchReservationInput, @Ctx() ctx: HubContext): Promise<Reservation> {
    return this.service.dispatch(principalOf(ctx), input);
  }

  @Authorized(...DEPOT_ROLES)
  @Mutation(() => Reservation)
  confirmDelivery(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: HubContext,
    @Arg('deliveredAt', () => Date, { nullable: true }) deliveredAt?: Date,
  ): Promise<Reservation> {
    return this.service.confirmDelivery(principalOf(ctx), id, deliveredAt);
  }
}

@Resolver(() => StockTransfer)
export class StockTransferResolver {
  private readonly stock: StockService;
  constructor(hub: Hub) {
    this.stock = hub.get(StockService);
  }

  @Authorized(...DEPOT_ROLES)
  @Query(() => [StockTransfer], { description: 'Newest transfers from or to depots the key may see (at most one page)' })
  transfers(@Ctx() ctx: HubContext, @Arg('filter', () => TransferFilter, { nullable: true }) filter?: TransferFilter) {
    return this.stock.listTransfers(principalOf(ctx), filter ?? {});
  }

  @FieldResolver(() => Part)
  part(@Root() t: StockTransfer, @Ctx() ctx: HubContext) {
    return partOf(ctx, t.partId);
  }

  @FieldResolver(() => String)
  partNumber(@Root() t: StockTransfer, @Ctx() ctx: HubContext) {
    return partNumberOf(ctx, t.partId);
  }

  @FieldResolver(() => Depot)
  fromDepot(@Root() t: StockTransfer, @Ctx() ctx: HubContext) {
    return depotLoader(ctx).load(t.fromDepotId);
  }

  @FieldResolver(() => Depot)
  toDepot(@Root() t: StockTransfer, @Ctx() ctx: HubContext) {
    return depotLoader(ctx).load(t.toDepotId);
  }

  @Authorized(...DEPOT_ROLES)
  @Mutation(() => StockTransfer, { description: 'Sends stock to another depot (TRANSFER_OUT now; in transit until received)' })
  transferStock(@Arg('input') input: TransferStockInput, @Ctx() ctx: HubContext): Promise<StockTransfer> {
    return this.stock.transfer(principalOf(ctx), input);
  }

  @Authorized(...DEPOT_ROLES)
  @Mutation(() => StockTransfer, { description: 'Books a transfer in at the destination (TRANSFER_IN)' })
  receiveTransfer(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext): Promise<StockTransfer> {
    return this.stock.receiveTransfer(principalOf(ctx), id);
  }
}

@Resolver(() => StockTake)
export class StockTakeResolver {
  private readonly takes: StockTakesService;
  constructor(hub: Hub) {
    this.takes = hub.get(StockTakesService);
  }

  @Authorized(...DEPOT_ROLES)
  @Query(() => [StockTake], { description: 'Newest stock-takes (at most one page)' })
  stockTakes(@Ctx() ctx: HubContext, @Arg('filter', () => StockTakeFilter, { nullable: true }) filter?: StockTakeFilter) {
    return this.takes.list(principalOf(ctx), filter ?? {});
  }

  @FieldResolver(() => [StockTakeLine])
  lines(@Root() take: StockTake, @Ctx() ctx: HubContext) {
    return stockTakeLinesLoader(ctx).load(take.id);
  }

  @Authorized(...DEPOT_ROLES)
  @Mutation(() => StockTake, {
    description:
      'Books a physical count. Small differences become ADJUSTMENT movements at once; large ones (> 5 units or > 10 %) wait for approveStockTake. ' +
      'Re-submitting the same idempotencyKey changes nothing.',
  })
  recordStockTake(@Arg('input') input: RecordStockTakeInput, @Ctx() ctx: HubContext): Promise<StockTake> {
    return this.takes.record(principalOf(ctx), input);
  }

  @Authorized(...STAFF)
  @Mutation(() => StockTake)
  approveStockTake(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext): Promise<StockTake> {
    return this.takes.approve(principalOf(ctx), id);
  }

  @Authorized(...STAFF)
  @Mutation(() => StockTake)
  rejectStockTake(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext): Promise<StockTake> {
    return this.takes.reject(principalOf(ctx), id);
  }
}

@Resolver(() => StockTakeLine)
export class StockTakeLineResolver {
  @FieldResolver(() => Part)
  part(@Root() line: StockTakeLine, @Ctx() ctx: HubContext) {
    return partOf(ctx, line.partId);
  }

  @FieldResolver(() => String)
  partNumber(@Root() line: StockTakeLine, @Ctx() ctx: HubContext) {
    return partNumberOf(ctx, line.partId);
  }
}

@Resolver(() => StockAlert)
export class StockAlertResolver {
  private readonly alerts: AlertsService;
  constructor(hub: Hub) {
    this.alerts = hub.get(AlertsService);
  }

  @Authorized(...DEPOT_ROLES)
  @Query(() => StockAlertConnection, { description: 'Depot alerts, newest first' })
  stockAlerts(
    @Ctx() ctx: HubContext,
    @Arg('filter', () => StockAlertFilter, { nullable: true }) filter?: StockAlertFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Connection<StockAlert>> {
    return this.alerts.listAlerts(principalOf(ctx), filter ?? {}, { first, after });
  }

  @Authorized(...DEPOT_ROLES)
  @Query(() => [ReplenishmentSuggestion])
  replenishmentSuggestions(
    @Ctx() ctx: HubContext,
    @Arg('filter', () => SuggestionFilter, { nullable: true }) filter?: SuggestionFilter,
  ): Promise<ReplenishmentSuggestion[]> {
    return this.alerts.listSuggestions(principalOf(ctx), filter ?? {});
  }

  @FieldResolver(() => Part, { nullable: true })
  part(@Root() a: StockAlert, @Ctx() ctx: HubContext) {
    return a.partId ? partOf(ctx, a.partId) : null;
  }

  @FieldResolver(() => String, { nullable: true })
  partNumber(@Root() a: StockAlert, @Ctx() ctx: HubContext) {
    return a.partId ? partNumberOf(ctx, a.partId) : null;
  }

  @FieldResolver(() => Depot)
  depot(@Root() a: StockAlert, @Ctx() ctx: HubContext) {
    return depotLoader(ctx).load(a.depotId);
  }

  @Authorized(...DEPOT_ROLES)
  @Subscription(() => StockAlert, {
    topics: STOCK_ALERT_TOPIC,
    topicId: ({ args }: { args: { depotId: string } }) => args.depotId,
    // Re-checked per event: a WAREHOUSE key naming another depot's id receives nothing.
    filter: ({ payload, context }: { payload: StockAlertPayload; context: HubContext }) => canSee(context.principal, StockAlert, payload),
    description: "Alerts of one depot as they are raised (low stock, late spares, overdue loaners)",
  })
  stockAlert(@Root() payload: StockAlertPayload, @Arg('depotId', () => ID) _depotId: string): StockAlert {
    return fromAlertPayload(payload);
  }
}

@Resolver(() => ReplenishmentSuggestion)
export class ReplenishmentSuggestionResolver {
  @FieldResolver(() => Part)
  part(@Root() s: ReplenishmentSuggestion, @Ctx() ctx: HubContext) {
    return partOf(ctx, s.partId);
  }

  @FieldResolver(() => String)
  partNumber(@Root() s: ReplenishmentSuggestion, @Ctx() ctx: HubContext) {
    return partNumberOf(ctx, s.partId);
  }

  @FieldResolver(() => Depot)
  depot(@Root() s: ReplenishmentSuggestion, @Ctx() ctx: HubContext) {
    return depotLoader(ctx).load(s.depotId);
  }
}

export const inventoryResolvers = [
  PartResolver,
  EolImpactCustomerResolver,
  DepotResolver,
  StockResolver,
  StockMovementResolver,
  ReservationResolver,
  StockTransferResolver,
  StockTakeResolver,
  StockTakeLineResolver,
  StockAlertResolver,
  ReplenishmentSuggestionResolver,
];
