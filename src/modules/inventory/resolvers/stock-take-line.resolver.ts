import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { HubContext } from '../../../platform/graphql/context';
import { Part } from '../part.entity';
import { StockTakeLine } from '../stock-take.entity';
import { partOf, partNumberOf } from './shared';

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
