import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { HubContext, principalOf } from '../../../platform/graphql/context';
import type { Hub } from '../../../platform/hub';
import { Depot } from '../depot.entity';
import { TransferFilter, TransferStockInput } from '../inventory.inputs';
import { depotLoader } from '../inventory.loaders';
import { Part } from '../part.entity';
import { TransfersService } from '../transfers.service';
import { userActor } from '../../../platform/auth/actor';
import { StockTransfer } from '../transfer.entity';
import { DEPOT_ROLES, partOf, partNumberOf } from './shared';

@Resolver(() => StockTransfer)
export class StockTransferResolver {
  private readonly service: TransfersService;
  constructor(hub: Hub) {
    this.service = hub.get(TransfersService);
  }

  @Authorized(...DEPOT_ROLES)
  @Query(() => [StockTransfer], { description: 'Newest transfers from or to depots the key may see (at most one page)' })
  transfers(@Ctx() ctx: HubContext, @Arg('filter', () => TransferFilter, { nullable: true }) filter?: TransferFilter) {
    return this.service.listTransfers(principalOf(ctx), filter ?? {});
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
    return this.service.transfer(userActor(principalOf(ctx)), input);
  }

  @Authorized(...DEPOT_ROLES)
  @Mutation(() => StockTransfer, { description: 'Books a transfer in at the destination (TRANSFER_IN)' })
  receiveTransfer(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext): Promise<StockTransfer> {
    return this.service.receiveTransfer(userActor(principalOf(ctx)), id);
  }
}
