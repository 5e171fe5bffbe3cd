import { IsOptional, IsUUID, Length } from 'class-validator';
import { Arg, Authorized, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../../platform/auth/principal';
import { ConnectionType, type Connection } from '../../../platform/graphql/connection';
import { HubContext, principalOf } from '../../../platform/graphql/context';
import type { Hub } from '../../../platform/hub';
import { AlertConnector, AlertDelivery, AlertFormat, AlertMappingInput, UnmatchedAlert } from './alert.entity';
import { ALERTS_PATH, AlertsService } from './alerts.service';

@InputType()
class CreateAlertConnectorInput {
  @Field(() => ID, { nullable: true, description: 'Required for ADMIN; a CUSTOMER key creates connectors for its own organisation' })
  @IsOptional()
  @IsUUID()
  customerId?: string;
  @Field() @Length(1, 120) name: string;
  @Field(() => AlertFormat) format: AlertFormat;
  @Field(() => AlertMappingInput, { nullable: true }) @IsOptional() mapping?: AlertMappingInput;
}

@ObjectType({ description: 'A new connector and its secret. The secret is shown only here: the hub keeps a hash and an encrypted copy' })
class CreatedAlertConnector {
  @Field(() => AlertConnector) connector: AlertConnector;
  @Field({ description: 'whsec_…: send it as `Authorization: Bearer <secret>`, or sign deliveries with it per Standard Webhooks' })
  secret: string;
  @Field({ description: 'Path to POST alerts to, e.g. /integrations/alerts/<id>' }) ingestPath: string;
}

const AlertDeliveryConnection = ConnectionType(AlertDelivery);
const UnmatchedAlertConnection = ConnectionType(UnmatchedAlert);

@Resolver(() => AlertConnector)
export class AlertConnectorResolver {
  private readonly service: AlertsService;
  constructor(hub: Hub) {
    this.service = hub.get(AlertsService);
  }

  @Authorized(Role.ADMIN, Role.CUSTOMER)
  @Mutation(() => CreatedAlertConnector, {
    description: 'A connector for a monitoring system (Alertmanager, Zabbix, generic JSON) of one customer',
  })
  createAlertConnector(@Ctx() ctx: HubContext, @Arg('input') input: CreateAlertConnectorInput): Promise<CreatedAlertConnector> {
    return this.service.create(principalOf(ctx), input);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.CUSTOMER)
  @Query(() => [AlertConnector], { description: 'Alert connectors the key may see (a customer: its own)' })
  alertConnectors(@Ctx() ctx: HubContext, @Arg('customerId', () => ID, { nullable: true }) customerId?: string): Promise<AlertConnector[]> {
    return this.service.list(principalOf(ctx), customerId);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.CUSTOMER)
  @Query(() => AlertDeliveryConnection, {
    description: "A connector's log, newest first: every alert group received and what became of it",
  })
  alertDeliveries(
    @Ctx() ctx: HubContext,
    @Arg('connectorId', () => ID) connectorId: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
  ): Promise<Connection<AlertDelivery>> {
    return this.service.deliveries(principalOf(ctx), connectorId, { first, after });
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Query(() => UnmatchedAlertConnection, { description: 'Alerts whose device could not be matched, most recently seen first' })
  unmatchedAlerts(
    @Ctx() ctx: HubContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
    @Arg('includeLinked', { nullable: true, defaultValue: false }) includeLinked?: boolean,
  ): Promise<Connection<UnmatchedAlert>> {
    return this.service.unmatched(principalOf(ctx), { first, after, includeLinked });
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => UnmatchedAlert, {
    description: "Links an unmatched alert to its customer's device: opens the incident, and later alerts naming it match",
  })
  linkUnmatchedAlert(
    @Ctx() ctx: HubContext,
    @Arg('id', () => ID) id: string,
    @Arg('deviceId', () => ID) deviceId: string,
  ): Promise<UnmatchedAlert> {
    return this.service.linkUnmatched(principalOf(ctx), id, deviceId);
  }

  @FieldResolver(() => String, { description: 'Path to POST alerts to' })
  ingestPath(@Root() connector: AlertConnector): string {
    return `${ALERTS_PATH}/${connector.id}`;
  }
}
