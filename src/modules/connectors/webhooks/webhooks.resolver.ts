import { ArrayMaxSize, ArrayMinSize, IsOptional, IsUUID, Length } from 'class-validator';
import { Arg, Authorized, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Role } from '../../../platform/auth/principal';
import { ConnectionType, type Connection } from '../../../platform/graphql/connection';
import { HubContext, principalOf } from '../../../platform/graphql/context';
import type { Hub } from '../../../platform/hub';
import { WebhookAttempt, WebhookEndpoint } from './webhook.entity';
import { WebhooksService } from './webhooks.service';

@InputType()
class CreateWebhookEndpointInput {
  @Field({ description: 'http(s) URL; it must resolve to public addresses (WEBHOOK_ALLOW_TARGET_RANGES allows others)' })
  @Length(8, 2000)
  url: string;
  @Field(() => [String], { description: 'e.g. ["incident.*", "rma.*"]; `*` for every event the owner may see' })
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  eventTypes: string[];
  @Field({ nullable: true }) @IsOptional() @Length(1, 200) description?: string;
  @Field(() => Role, {
    nullable: true,
    description: 'ADMIN only: create the endpoint for a tenant (CUSTOMER, PARTNER, WAREHOUSE) and its scope id',
  })
  @IsOptional()
  ownerRole?: Role;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() ownerScopeId?: string;
}

@ObjectType({ description: 'An endpoint and its signing secret (whsec_…), shown only here and by rotateWebhookSecret' })
class WebhookEndpointWithSecret {
  @Field(() => WebhookEndpoint) endpoint: WebhookEndpoint;
  @Field() secret: string;
}

const WebhookAttemptConnection = ConnectionType(WebhookAttempt);

@Resolver(() => WebhookEndpoint)
export class WebhookEndpointResolver {
  private readonly service: WebhooksService;
  constructor(hub: Hub) {
    this.service = hub.get(WebhooksService);
  }

  @Authorized(Role.ADMIN, Role.CUSTOMER, Role.PARTNER, Role.WAREHOUSE)
  @Mutation(() => WebhookEndpointWithSecret, {
    description: 'Hub events (the Kafka hub.events envelope) POSTed to a URL, signed per Standard Webhooks',
  })
  createWebhookEndpoint(@Ctx() ctx: HubContext, @Arg('input') input: CreateWebhookEndpointInput): Promise<WebhookEndpointWithSecret> {
    return this.service.create(principalOf(ctx), input);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.CUSTOMER, Role.PARTNER, Role.WAREHOUSE)
  @Query(() => [WebhookEndpoint], { description: 'Endpoints the key may see (a tenant: its own)' })
  webhookEndpoints(@Ctx() ctx: HubContext): Promise<WebhookEndpoint[]> {
    return this.service.list(principalOf(ctx));
  }

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.CUSTOMER, Role.PARTNER, Role.WAREHOUSE)
  @Query(() => WebhookAttemptConnection, {
    description: 'Every delivery attempt to an endpoint, newest first: status code, latency, error',
  })
  webhookDeliveries(
    @Ctx() ctx: HubContext,
    @Arg('endpointId', () => ID) endpointId: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
  ): Promise<Connection<WebhookAttempt>> {
    return this.service.attempts(principalOf(ctx), endpointId, { first, after });
  }

  @Authorized(Role.ADMIN, Role.CUSTOMER, Role.PARTNER, Role.WAREHOUSE)
  @Mutation(() => WebhookEndpointWithSecret, {
    description: 'A new signing secret; the old one keeps signing alongside until WEBHOOK_SECRET_OVERLAP has passed',
  })
  rotateWebhookSecret(@Ctx() ctx: HubContext, @Arg('id', () => ID) id: string): Promise<WebhookEndpointWithSecret> {
    return this.service.rotateSecret(principalOf(ctx), id);
  }

  @Authorized(Role.ADMIN, Role.CUSTOMER, Role.PARTNER, Role.WAREHOUSE)
  @Mutation(() => WebhookEndpoint, { description: 'Re-enables a disabled endpoint; the events kept while it was disabled go out in order' })
  enableWebhookEndpoint(@Ctx() ctx: HubContext, @Arg('id', () => ID) id: string): Promise<WebhookEndpoint> {
    return this.service.enable(principalOf(ctx), id);
  }

  @Authorized(Role.ADMIN, Role.CUSTOMER, Role.PARTNER, Role.WAREHOUSE)
  @Mutation(() => Int, {
    description: 'Sends again every event delivered to the endpoint since the instant (same webhook-id); returns how many',
  })
  replayWebhookDeliveries(
    @Ctx() ctx: HubContext,
    @Arg('endpointId', () => ID) endpointId: string,
    @Arg('since') since: Date,
  ): Promise<number> {
    return this.service.replay(principalOf(ctx), endpointId, since);
  }
}
