import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { HubContext, principalOf } from '../../../platform/graphql/context';
import type { Hub } from '../../../platform/hub';
import { Depot, DepotCoverage } from '../depot.entity';
import { DepotsService } from '../depots.service';
import { CreateDepotInput, DepotCoverageInput } from '../inventory.inputs';
import { coverageLoader } from '../inventory.loaders';
import { STAFF } from './shared';

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
