import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { HubContext, principalOf } from '../../../platform/graphql/context';
import type { Hub } from '../../../platform/hub';
import { Depot } from '../depot.entity';
import { FindSpareArgs, ReceiveStockInput, ReturnDefectivePartInput, SetReorderPolicyInput, StockFilter } from '../inventory.inputs';
import { depotLoader } from '../inventory.loaders';
import { SpareOption } from '../inventory.types';
import { Part } from '../part.entity';
import { Stock } from '../stock.entity';
import { available, StockService } from '../stock.service';
import { ReorderPolicyService } from '../reorder-policy.service';
import { SpareSearchService } from '../spare-search.service';
import { userActor } from '../../../platform/auth/actor';
import { STAFF, DEPOT_ROLES, partOf, partNumberOf } from './shared';

@Resolver(() => Stock)
export class StockResolver {
  private readonly stock: StockService;
  private readonly spares: SpareSearchService;
  private readonly reorder: ReorderPolicyService;
  constructor(hub: Hub) {
    this.stock = hub.get(StockService);
    this.spares = hub.get(SpareSearchService);
    this.reorder = hub.get(ReorderPolicyService);
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
    return this.spares.findSpare(principalOf(ctx), args);
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
    return this.stock.receive(userActor(principalOf(ctx)), input);
  }

  @Authorized(...DEPOT_ROLES)
  @Mutation(() => Stock, { description: 'Books a failed part taken back for an RMA into DEFECTIVE stock (RETURN)' })
  returnDefectivePart(@Arg('input') input: ReturnDefectivePartInput, @Ctx() ctx: HubContext): Promise<Stock> {
    return this.stock.returnDefective(userActor(principalOf(ctx)), input);
  }

  @Authorized(...STAFF)
  @Mutation(() => Stock)
  setReorderPolicy(@Arg('input') input: SetReorderPolicyInput): Promise<Stock> {
    return this.reorder.setReorderPolicy(input);
  }
}
