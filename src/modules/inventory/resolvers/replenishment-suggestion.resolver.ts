import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { HubContext } from '../../../platform/graphql/context';
import { ReplenishmentSuggestion } from '../alert.entity';
import { Depot } from '../depot.entity';
import { depotLoader } from '../inventory.loaders';
import { Part } from '../part.entity';
import { partOf, partNumberOf } from './shared';

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
