import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { In } from 'typeorm';
import { Role } from '../../platform/auth/principal';
import { canSee } from '../../platform/auth/scope';
import { HubContext, principalOf } from '../../platform/graphql/context';
import type { Hub } from '../../platform/hub';
import { SupportCentre } from './support-centre.entity';
import { CreateSupportCentreInput } from './support-network.inputs';
import { centreLoader } from './support-network.loaders';
import { SupportNetworkService } from './support-network.service';
import { groupByKey } from '../../platform/graphql/batch';

const childrenLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, SupportCentre[]>('supportCentre.children', async (parentIds) => {
    const rows = await ctx.hub.db.manager.find(SupportCentre, { where: { parentId: In([...parentIds]) }, order: { code: 'ASC' } });
    return groupByKey(parentIds, rows, (r) => r.parentId);
  });

@Resolver(() => SupportCentre)
export class SupportCentreResolver {
  private readonly service: SupportNetworkService;
  constructor(hub: Hub) {
    this.service = hub.get(SupportNetworkService);
  }

  @Authorized()
  @Query(() => [SupportCentre], { description: 'Centres the key may see (a PARTNER key: its centre and the centres below it)' })
  supportCentres(@Ctx() ctx: HubContext): Promise<SupportCentre[]> {
    return this.service.listCentres(principalOf(ctx));
  }

  @Authorized()
  @Query(() => SupportCentre)
  supportCentre(@Arg('id', () => ID) id: string, @Ctx() ctx: HubContext): Promise<SupportCentre> {
    return this.service.getCentre(principalOf(ctx), id);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => SupportCentre)
  createSupportCentre(@Arg('input') input: CreateSupportCentreInput): Promise<SupportCentre> {
    return this.service.createCentre(input);
  }

  @FieldResolver(() => SupportCentre, { nullable: true, description: 'Where work escalates to' })
  parent(@Root() centre: SupportCentre, @Ctx() ctx: HubContext): Promise<SupportCentre> | null {
    return centre.parentId ? centreLoader(ctx).load(centre.parentId) : null;
  }

  @FieldResolver(() => [SupportCentre], { description: 'Centres that escalate to this one (those the key may see)' })
  async children(@Root() centre: SupportCentre, @Ctx() ctx: HubContext): Promise<SupportCentre[]> {
    const rows = await childrenLoader(ctx).load(centre.id);
    return rows.filter((row) => canSee(ctx.principal, SupportCentre, row));
  }
}
