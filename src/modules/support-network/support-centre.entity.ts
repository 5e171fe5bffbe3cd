import { EntityKeys } from '../../platform/graphql/federation';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import { IdColumn, IntColumn, LongTextColumn, RefColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';

/**
 * A PARTNER key is scoped to one centre; the module's scope expander adds the
 * centres below it, so `id IN visibleScopeIds` lets a parent see its children.
 */
@ObjectType({ description: 'A support centre in the three-tier network: 1 local partner, 2 vendor regional, 3 OEM technical centre.' })
@Entity('support_centres')
@Index('ix_support_centres_parent', ['parentId'])
@TenantScoped({ PARTNER: 'id' })
@EntityKeys(['id'])
export class SupportCentre {
  @Field(() => ID) @IdColumn() id: string;
  @Field({ description: 'Short unique code, used in Kafka payloads to name a centre (e.g. T1-SH-01)' })
  @Index('uq_support_centres_code', { unique: true })
  @TextColumn(32)
  code: string;
  @Field() @TextColumn(200) name: string;
  @Field(() => Int, { description: '1 local partner centre, 2 vendor regional centre, 3 OEM technical centre' })
  @IntColumn()
  tier: number;
  @Field({ description: 'Region code, e.g. CN-EAST' }) @TextColumn(40) region: string;
  @Field(() => String, { nullable: true }) @TextColumn(200, { nullable: true }) contactName: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(200, { nullable: true }) contactEmail: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(64, { nullable: true }) contactPhone: string | null;
  @Field(() => ID, { nullable: true, description: 'The centre work escalates to; null for the top (tier 3)' })
  @RefColumn({ nullable: true })
  parentId: string | null;
  @Field(() => String, { nullable: true, description: 'The `source` this centre publishes under on Kafka; its events are matched to it' })
  @Index('uq_support_centres_source', { unique: true })
  @TextColumn(120, { nullable: true })
  kafkaSourceId: string | null;
  @Field() @TimestampColumn() createdAt: Date;
}

/** One move of a piece of work (an RMA, an incident) up the escalation path. */
@ObjectType({ description: 'A recorded escalation of an RMA or incident from one centre to its parent.' })
@Entity('centre_escalations')
@Index('ix_centre_escalations_subject', ['subjectType', 'subjectId', 'occurredAt'])
export class CentreEscalation {
  @Field(() => ID) @IdColumn() id: string;
  @Field({ description: 'RMA or INCIDENT' }) @TextColumn(16) subjectType: string;
  @Field(() => ID) @RefColumn() subjectId: string;
  @Field(() => ID) @RefColumn() fromCentreId: string;
  @Field(() => ID) @RefColumn() toCentreId: string;
  @Field(() => String, { nullable: true }) @LongTextColumn({ nullable: true }) reason: string | null;
  @Field({ description: 'Who escalated: a centre code, an operator key name, or the hub' }) @TextColumn(120) escalatedBy: string;
  @Field() @TimestampColumn() occurredAt: Date;
  @Field() @TimestampColumn() recordedAt: Date;
}
