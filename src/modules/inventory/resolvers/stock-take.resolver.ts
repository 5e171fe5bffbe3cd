import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { HubContext, principalOf } from '../../../platform/graphql/context';
import type { Hub } from '../../../platform/hub';
import { RecordStockTakeInput, StockTakeFilter } from '../inventory.inputs';
import { stockTakeLinesLoader } from '../inventory.loaders';
import { StockTake, StockTakeLine } from '../stock-take.entity';
import { StockTakesService } from '../stock-takes.service';
import { STAFF, DEPOT_ROLES } from './shared';

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
