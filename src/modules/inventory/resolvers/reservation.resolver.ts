import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Connection } from '../../../platform/graphql/connection';
import { HubContext, principalOf } from '../../../platform/graphql/context';
import type { Hub } from '../../../platform/hub';
import { Depot } from '../depot.entity';
import { DispatchReservationInput, ReservationFilter, ReservePartsInput } from '../inventory.inputs';
import { depotLoader } from '../inventory.loaders';
import { ReservationConnection } from '../inventory.types';
import { Part } from '../part.entity';
import { Reservation } from '../reservation.entity';
import { ReservationsService } from '../reservations.service';
import { DEPOT_ROLES, partOf, partNumberOf } from './shared';

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
  @Mutation(() => Reservation, {
    description: 'Ships the reserved parts; a SPARES_LATE alert follows if delivery is not confirmed by the deadline',
  })
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
