import { Arg, Authorized, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { ApiKey } from '../auth/api-key.entity';
import { Role } from '../auth/principal';
import { DeadLetter } from '../outbox/dead-letter.entity';
import { HubContext, principalOf } from './context';
import { SignedLinks } from '../auth/signed-links';
import { badInput } from '../errors';

@ObjectType({ description: 'Who the presented API key is' })
class Me {
  @Field() keyId: string;
  @Field() name: string;
  @Field(() => Role) role: Role;
  @Field(() => ID, { nullable: true, description: 'Organisation, centre or depot the key is scoped to' }) scopeId: string | null;
  @Field(() => [ID]) visibleScopeIds: string[];
}

@ObjectType('ApiKey')
class ApiKeyView {
  @Field(() => ID) id: string;
  @Field() prefix: string;
  @Field() name: string;
  @Field(() => Role) role: Role;
  @Field(() => ID, { nullable: true }) scopeId: string | null;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) revokedAt: Date | null;
  @Field(() => Date, {
    nullable: true,
    description: 'After this instant the key no longer authenticates and its open subscriptions are closed',
  })
  expiresAt: Date | null;
}

@ObjectType()
class CreatedApiKey {
  @Field({ description: 'The key itself. It is shown only now; the hub stores a hash.' }) key: string;
  @Field(() => ApiKeyView) apiKey: ApiKeyView;
}

@ObjectType({ description: 'A link that opens one page as the key that asked for it, without the key in the URL' })
class SignedLink {
  @Field({ description: 'Path and query to append to the hub URL, e.g. /reports/sla-compliance.html?...&link=...' }) url: string;
  @Field() expiresAt: Date;
}

@Resolver()
export class PlatformResolver {
  @Authorized()
  @Mutation(() => SignedLink, {
    description:
      'Signs a page link (printable reports under /reports/) for the calling key; it expires after LINK_TTL_SECONDS (default 5 minutes)',
  })
  signLink(
    @Ctx() ctx: HubContext,
    @Arg('path', () => String, { description: 'Path and query, e.g. /reports/sla-compliance.html?from=2026-01-01&to=2026-02-01' })
    path: string,
  ): SignedLink {
    const links = ctx.hub.get(SignedLinks);
    if (!path.startsWith('/') || !links.isSignable(path))
      throw badInput(`${path} is not a page that can be opened by a signed link`, { field: 'path' });
    return links.sign(principalOf(ctx).keyId, path);
  }

  @Authorized()
  @Query(() => Me)
  me(@Ctx() ctx: HubContext): Me {
    return principalOf(ctx);
  }

  @Authorized(Role.ADMIN)
  @Query(() => [ApiKeyView])
  apiKeys(@Ctx() ctx: HubContext): Promise<ApiKey[]> {
    return ctx.hub.apiKeys.list();
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreatedApiKey)
  createApiKey(
    @Ctx() ctx: HubContext,
    @Arg('role', () => Role) role: Role,
    @Arg('scopeId', () => ID, { nullable: true }) scopeId?: string,
    @Arg('name', () => String, { nullable: true }) name?: string,
    @Arg('expiresAt', () => Date, { nullable: true, description: 'When the key stops working (default: never)' }) expiresAt?: Date,
  ) {
    return ctx.hub.apiKeys.create({ role, scopeId, name, expiresAt });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ApiKeyView)
  revokeApiKey(@Ctx() ctx: HubContext, @Arg('id', () => ID) id: string): Promise<ApiKey> {
    return ctx.hub.apiKeys.revoke(id);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Query(() => [DeadLetter], { description: 'Inbound messages the hub refused, newest first' })
  deadLetters(
    @Ctx() ctx: HubContext,
    @Arg('topic', () => String, { nullable: true }) topic?: string,
    @Arg('first', () => Int, { defaultValue: 50 }) first = 50,
  ): Promise<DeadLetter[]> {
    const max = ctx.hub.config.graphql.maxPageSize;
    return ctx.hub.db.manager.find(DeadLetter, {
      where: topic ? { topic } : {},
      order: { receivedAt: 'DESC' },
      take: Math.min(Math.max(first, 0), max),
    });
  }
}
