import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { Connection } from '../../../platform/graphql/connection';
import { HubContext, principalOf } from '../../../platform/graphql/context';
import type { Hub } from '../../../platform/hub';
import { Depot } from '../depot.entity';
import { MovementFilter } from '../inventory.inputs';
import { depotLoader } from '../inventory.loaders';
import { StockMovementConnection } from '../inventory.types';
import { Part } from '../part.entity';
import { StockMovement } from '../stock.entity';
import { StockService } from '../stock.service';
import { DEPOT_ROLES, partOf, partNumberOf } from './shared';

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
