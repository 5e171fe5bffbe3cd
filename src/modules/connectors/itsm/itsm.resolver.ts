import { ArrayMaxSize, IsInt, IsOptional, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { Arg, Authorized, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../../platform/auth/principal';
import { ConnectionType, type Connection } from '../../../platform/graphql/connection';
import { HubContext, principalOf } from '../../../platform/graphql/context';
import type { Hub } from '../../../platform/hub';
import { IncidentStatus } from '../../incidents/incident.enums';
import { Severity } from '../../sla/sla.enums';
import {
  ItsmAuthKind,
  ItsmConnector,
  ItsmInboundAction,
  ItsmInboundMode,
  ItsmStateMappingView,
  ItsmSyncEntry,
  mappingView,
} from './itsm.entity';
import { ITSM_PATH, ItsmService } from './itsm.service';

@InputType()
class ItsmStateOutInput {
  @Field(() => IncidentStatus) hubStatus: IncidentStatus;
  @Field() @Length(1, 40) itsmState: string;
}
@InputType()
class ItsmStateInInput {
  @Field() @Length(1, 40) itsmState: string;
  @Field(() => ItsmInboundAction) action: ItsmInboundAction;
}
@InputType()
class ItsmPriorityInput {
  @Field(() => Severity) severity: Severity;
  @Field(() => Int) @IsInt() @Min(1) @Max(5) priority: number;
}
@InputType({ description: 'Entries replace the defaults one by one; a given inbound list replaces the default inbound list' })
class ItsmStateMappingInput {
  @Field(() => [ItsmStateOutInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  outbound?: ItsmStateOutInput[];
  @Field(() => [ItsmStateInInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  inbound?: ItsmStateInInput[];
  @Field(() => [ItsmPriorityInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(4)
  @ValidateNested({ each: true })
  priorities?: ItsmPriorityInput[];
}

@InputType()
class UpdateItsmConnectorInput {
  @Field({ nullable: true }) @IsOptional() @Length(1, 120) name?: string;
  @Field({ nullable: true, description: 'Base URL of the table API (http or https; must resolve to allowed addresses)' })
  @IsOptional()
  @Length(8, 500)
  baseUrl?: string;
  @Field(() => ItsmAuthKind, { nullable: true }) @IsOptional() authKind?: ItsmAuthKind;
  @Field(() => String, { nullable: true, description: 'Basic-auth user' }) @IsOptional() @Length(1, 120) username?: string | null;
  @Field({ nullable: true, description: 'Password (basic) or token (bearer): write-only, stored encrypted' })
  @IsOptional()
  @Length(1, 2000)
  credential?: string;
  @Field({ nullable: true, description: "The name the ITSM records for the hub's changes (default: the username)" })
  @IsOptional()
  @Length(1, 120)
  integrationUser?: string;
  @Field(() => ItsmInboundMode, { nullable: true }) @IsOptional() inbound?: ItsmInboundMode;
  @Field(() => ItsmStateMappingInput, { nullable: true }) @IsOptional() @ValidateNested() mapping?: ItsmStateMappingInput;
  @Field({ nullable: true }) @IsOptional() enabled?: boolean;
}

@InputType()
class CreateItsmConnectorInput extends UpdateItsmConnectorInput {
  @Field(() => ID) @IsUUID() customerId: string;
}

@ObjectType({ description: 'A new ITSM connector and the secret of its inbound endpoint (shown only here)' })
class CreatedItsmConnector {
  @Field(() => ItsmConnector) connector: ItsmConnector;
  @Field({ description: 'whsec_…: the ITSM sends it as `Authorization: Bearer <secret>` when it pushes changes' }) inboundSecret: string;
  @Field({ description: 'Path the ITSM may push changes to, e.g. /integrations/itsm/<id>' }) inboundPath: string;
}

const ItsmSyncEntryConnection = ConnectionType(ItsmSyncEntry);

/**
 * Staff (ADMIN, OPERATOR) configure a customer's ITSM connector; the customer's own key only reads it:
 * the connector decides where the hub sends the customer's incidents and which ticket state counts as
 * closure consent, which the service contract (agreed with staff) fixes.
 */
@Resolver(() => ItsmConnector)
export class ItsmConnectorResolver {
  private readonly service: ItsmService;
  constructor(hub: Hub) {
    this.service = hub.get(ItsmService);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => CreatedItsmConnector, {
    description: "Connects a customer's ITSM (one per customer): two-way ticket sync of its incidents",
  })
  createItsmConnector(@Ctx() ctx: HubContext, @Arg('input') input: CreateItsmConnectorInput): Promise<CreatedItsmConnector> {
    return this.service.create(principalOf(ctx), input);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => ItsmConnector, {
    description: 'Changes a connector (credentials, URL, mapping, inbound mode, enabled); omitted fields stay',
  })
  updateItsmConnector(
    @Ctx() ctx: HubContext,
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateItsmConnectorInput,
  ): Promise<ItsmConnector> {
    return this.service.update(principalOf(ctx), id, input);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.CUSTOMER)
  @Query(() => [ItsmConnector], { description: 'ITSM connectors the key may see (a customer: its own)' })
  itsmConnectors(@Ctx() ctx: HubContext, @Arg('customerId', () => ID, { nullable: true }) customerId?: string): Promise<ItsmConnector[]> {
    return this.service.list(principalOf(ctx), customerId);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR, Role.CUSTOMER)
  @Query(() => ItsmSyncEntryConnection, { description: "A connector's exchanges with the ITSM, newest first" })
  itsmSyncLog(
    @Ctx() ctx: HubContext,
    @Arg('connectorId', () => ID) connectorId: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', { nullable: true }) after?: string,
  ): Promise<Connection<ItsmSyncEntry>> {
    return this.service.log(principalOf(ctx), connectorId, { first, after });
  }

  @FieldResolver(() => ItsmStateMappingView, { description: 'Hub ↔ ticket states and priorities in force' })
  stateMapping(@Root() connector: ItsmConnector): ItsmStateMappingView {
    return mappingView(connector.mapping);
  }

  @FieldResolver(() => Int, { description: 'Operations waiting to reach the ITSM (e.g. while it is down)' })
  pendingOperations(@Root() connector: ItsmConnector): Promise<number> {
    return this.service.pendingCount(connector.id);
  }

  @FieldResolver(() => String, { description: 'Path the ITSM may push changes to' })
  inboundPath(@Root() connector: ItsmConnector): string {
    return `${ITSM_PATH}/${connector.id}`;
  }
}
