import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from '../../../platform/auth/principal';
import { TenantScoped } from '../../../platform/auth/scope';
import {
  BoolColumn,
  IdColumn,
  IntColumn,
  JsonColumn,
  LongTextColumn,
  RefColumn,
  TextColumn,
  TimestampColumn,
} from '../../../platform/db/columns';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
}
registerEnumType(WebhookDeliveryStatus, { name: 'WebhookDeliveryStatus' });

@ObjectType({ description: 'A URL that receives the hub events its owner may see, signed per Standard Webhooks' })
@Entity('webhook_endpoints')
@Index('ix_webhook_endpoints_owner', ['ownerScopeId'])
@TenantScoped({ CUSTOMER: 'ownerScopeId', PARTNER: 'ownerScopeId', WAREHOUSE: 'ownerScopeId' })
export class WebhookEndpoint {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => Role, { description: "Whose events: a CUSTOMER, PARTNER or WAREHOUSE endpoint gets its own scope's events; ADMIN all" })
  @TextColumn(16)
  ownerRole: Role;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) ownerScopeId: string | null;
  @Field() @TextColumn(2000) url: string;
  @Field(() => [String], {
    description: 'Patterns: `incident.*`, `rma.*`, `loaner.*`, `stock.*`, `complaint.*`, `inspection.*`, an exact type, or `*`',
  })
  @JsonColumn()
  eventTypes: string[];
  @Field(() => String, { nullable: true }) @TextColumn(200, { nullable: true }) description: string | null;
  @LongTextColumn() secretSealed: string;
  @LongTextColumn({ nullable: true }) previousSecretSealed: string | null;
  @Field(() => Date, { nullable: true, description: 'Until then deliveries carry a signature with the previous secret as well' })
  @TimestampColumn({ nullable: true })
  previousSecretExpiresAt: Date | null;
  @Field() @BoolColumn({ default: true }) enabled: boolean;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) disabledAt: Date | null;
  @Field(() => String, { nullable: true }) @TextColumn(500, { nullable: true }) disabledReason: string | null;
  @Field(() => Date, { nullable: true, description: 'First failed attempt since the last success' })
  @TimestampColumn({ nullable: true })
  failingSince: Date | null;
  @Field() @TextColumn(120) createdBy: string;
  @Field() @TimestampColumn() createdAt: Date;
}

/** One event queued for one endpoint; written in the transaction of the event itself (an outbox tap). */
@Entity('webhook_deliveries')
@Index('ix_webhook_deliveries_due', ['status', 'nextAttemptAt'])
@Index('ix_webhook_deliveries_endpoint', ['endpointId', 'status', 'seq'])
@Index('ix_webhook_deliveries_created', ['endpointId', 'createdAt'])
export class WebhookDelivery {
  /** Order of delivery per endpoint and aggregate: rows of one aggregate are written in the order of their events. */
  @PrimaryGeneratedColumn({ type: 'integer' }) seq: number;
  @RefColumn() endpointId: string;
  @TextColumn(36) eventId: string;
  @TextColumn(80) eventType: string;
  @TextColumn(120) aggregateKey: string;
  @LongTextColumn() envelope: string;
  @TextColumn(16) status: WebhookDeliveryStatus;
  @IntColumn({ default: 0 }) attempts: number;
  @TimestampColumn() nextAttemptAt: Date;
  @TimestampColumn({ nullable: true }) deliveredAt: Date | null;
  @TimestampColumn() createdAt: Date;
}

@ObjectType({ description: 'One HTTP attempt to deliver an event to an endpoint' })
@Entity('webhook_attempts')
@Index('ix_webhook_attempts_endpoint', ['endpointId', 'attemptedAt'])
@TenantScoped({ CUSTOMER: 'ownerScopeId', PARTNER: 'ownerScopeId', WAREHOUSE: 'ownerScopeId' })
export class WebhookAttempt {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() endpointId: string;
  @RefColumn({ nullable: true }) ownerScopeId: string | null;
  @Field(() => Int, { description: "Position of the event in this endpoint's queue" }) @IntColumn() deliverySeq: number;
  @Field({ description: 'The event id, sent as webhook-id' }) @TextColumn(36) eventId: string;
  @Field() @TextColumn(80) eventType: string;
  @Field() @TextColumn(120) aggregateKey: string;
  @Field(() => Int, { description: '1 for the first try of this queue entry' }) @IntColumn() attempt: number;
  @Field() @TimestampColumn() attemptedAt: Date;
  @Field(() => Int, { nullable: true, description: 'HTTP status; null when no response came' }) @IntColumn({ nullable: true }) statusCode:
    number | null;
  @Field(() => Int) @IntColumn() latencyMs: number;
  @Field() @BoolColumn({ default: false }) succeeded: boolean;
  @Field(() => String, { nullable: true }) @TextColumn(500, { nullable: true }) error: string | null;
}

export const webhookEntities = [WebhookEndpoint, WebhookDelivery, WebhookAttempt];
