import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import { IdColumn, IntColumn, LongTextColumn, RefColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';
import { ManagementLevel } from '../incidents/incident.enums';

export enum ComplaintCategory {
  RESPONSE_SPEED = 'RESPONSE_SPEED',
  ATTITUDE = 'ATTITUDE',
  BROKEN_PROMISE = 'BROKEN_PROMISE',
  QUALITY = 'QUALITY',
  OTHER = 'OTHER',
}
registerEnumType(ComplaintCategory, { name: 'ComplaintCategory' });

export enum ComplaintStatus {
  OPEN = 'OPEN',
  REPLIED = 'REPLIED',
  RESOLVED = 'RESOLVED',
  CLOSED = 'CLOSED',
}
registerEnumType(ComplaintStatus, {
  name: 'ComplaintStatus',
  description: 'OPEN → REPLIED → RESOLVED → CLOSED (rated by the customer or closed by the desk)',
});

export enum ComplaintClockKind {
  FIRST_REPLY = 'FIRST_REPLY',
  RESOLUTION = 'RESOLUTION',
}
registerEnumType(ComplaintClockKind, { name: 'ComplaintClockKind' });

export enum ComplaintEventType {
  FILED = 'FILED',
  REPLIED = 'REPLIED',
  RESOLVED = 'RESOLVED',
  CLOSED = 'CLOSED',
  RATED = 'RATED',
  CLOCK_WARNING = 'CLOCK_WARNING',
  CLOCK_BREACHED = 'CLOCK_BREACHED',
  ESCALATED = 'ESCALATED',
}
registerEnumType(ComplaintEventType, { name: 'ComplaintEventType' });

@ObjectType({ description: 'A customer complaint about the service, with its first-reply and resolution clocks' })
@Entity('complaints')
@Index('ix_complaints_customer', ['customerId', 'filedAt'])
@Index('ix_complaints_status', ['status', 'filedAt'])
@Index('ix_complaints_incident', ['incidentId'])
@Index('ix_complaints_centre', ['centreId', 'filedAt'])
@TenantScoped({ CUSTOMER: 'customerId', PARTNER: 'centreId' })
export class Complaint {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() customerId: string;
  @Field(() => ComplaintCategory) @TextColumn(24) category: ComplaintCategory;
  @Field() @TextColumn(500) summary: string;
  @Field(() => String, { nullable: true }) @LongTextColumn({ nullable: true }) description: string | null;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) incidentId: string | null;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) rmaId: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(40, { nullable: true }) rmaNumber: string | null;
  @Field(() => ID, { nullable: true, description: 'The support centre complained about (from the incident or RMA)' })
  @RefColumn({ nullable: true })
  centreId: string | null;
  @Field(() => ComplaintStatus) @TextColumn(16) status: ComplaintStatus;
  @Field(() => ManagementLevel) @TextColumn(16) managementLevel: ManagementLevel;
  @Field() @TimestampColumn() filedAt: Date;
  @Field() @TextColumn(120) filedBy: string;
  @Field({ description: 'ISO-8601, elapsed time' }) @TextColumn(32) firstReplyTarget: string;
  @Field() @TimestampColumn() firstReplyDueAt: Date;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) firstRepliedAt: Date | null;
  @TimestampColumn({ nullable: true }) firstReplyWarnedAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) firstReplyBreachedAt: Date | null;
  @Field() @TextColumn(32) resolutionTarget: string;
  @Field() @TimestampColumn() resolutionDueAt: Date;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) resolvedAt: Date | null;
  @TimestampColumn({ nullable: true }) resolutionWarnedAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) resolutionBreachedAt: Date | null;
  @Field(() => String, { nullable: true }) @LongTextColumn({ nullable: true }) resolution: string | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) closedAt: Date | null;
  @Field(() => String, { nullable: true }) @TextColumn(120, { nullable: true }) closedBy: string | null;
  @Field(() => Int, { nullable: true, description: "The customer's rating of the handling, 1-5" })
  @IntColumn({ nullable: true })
  handlingRating: number | null;
  @Field(() => String, { nullable: true }) @TextColumn(1000, { nullable: true }) ratingComment: string | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) ratedAt: Date | null;
  @IntColumn({ default: 0 }) eventSeq: number;
  @Field() @TimestampColumn() updatedAt: Date;
}

@ObjectType({ description: 'One entry of a complaint timeline: replies, clock warnings, breaches, escalations' })
@Entity('complaint_events')
@Index('uq_complaint_events_seq', ['complaintId', 'seq'], { unique: true })
@TenantScoped({ CUSTOMER: 'customerId' })
export class ComplaintEvent {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() complaintId: string;
  @RefColumn() customerId: string;
  @Field(() => Int) @IntColumn() seq: number;
  @Field() @TimestampColumn() at: Date;
  @Field(() => ComplaintEventType) @TextColumn(24) type: ComplaintEventType;
  @Field() @TextColumn(120) actor: string;
  @Field(() => ComplaintClockKind, { nullable: true }) @TextColumn(16, { nullable: true }) clock: ComplaintClockKind | null;
  @Field() @TextColumn(4000) message: string;
}

/** Complaint targets: one row per customer that has its own, plus the DEFAULT row. */
@ObjectType({ description: "First-reply and resolution targets for complaints (a customer's own, or the default)" })
@Entity('complaint_policies')
@TenantScoped({ CUSTOMER: 'customerId' })
export class ComplaintPolicy {
  @IdColumn() id: string;
  @Index('uq_complaint_policies_scope', { unique: true }) @TextColumn(36) scopeKey: string;
  @Field(() => ID, { nullable: true, description: 'Null for the default' }) @RefColumn({ nullable: true }) customerId: string | null;
  @Field({ description: 'ISO-8601, e.g. PT15M' }) @TextColumn(32) firstReplyTarget: string;
  @Field({ description: 'ISO-8601, e.g. P2D' }) @TextColumn(32) resolutionTarget: string;
  @Field() @TimestampColumn() updatedAt: Date;
  @Field() @TextColumn(120) updatedBy: string;
}
