import { EntityKeys } from '../../platform/graphql/federation';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import {
  BoolColumn,
  IdColumn,
  IntColumn,
  JsonColumn,
  LongTextColumn,
  RefColumn,
  TextColumn,
  TimestampColumn,
} from '../../platform/db/columns';
import { INBOUND_EVENT_TYPES, type Disposition } from './rules/applicability';
import { LOANER_COMPLIANCE } from './rules/loaner-compliance';
import { PART_CONDITIONS, PART_SOURCES, type PartCondition, type PartSource } from './rules/parts-policy';
import { RMA_STATUSES, type RmaStatus } from './rules/state-machine';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const RmaStatusEnum = enumOf(RMA_STATUSES);
registerEnumType(RmaStatusEnum, { name: 'RmaStatus' });
export const RmaDispositionEnum = enumOf(['REPAIR', 'REPLACE_WITH_NEW'] as const);
registerEnumType(RmaDispositionEnum, {
  name: 'RmaDisposition',
  description: 'REPLACE_WITH_NEW is set automatically on the second qualifying failure of a serial within warranty',
});
export const LoanerComplianceEnum = enumOf(LOANER_COMPLIANCE);
registerEnumType(LoanerComplianceEnum, {
  name: 'LoanerCompliance',
  description:
    'NOT_REQUIRED; PENDING (due, not yet delivered); KEPT (delivered, or unit back, by the due time); LATE (delivered after); BREACHED (due time passed without either)',
});
export const PartConditionEnum = enumOf(PART_CONDITIONS);
registerEnumType(PartConditionEnum, {
  name: 'RmaPartCondition',
  description: 'Condition of a replacement part or unit fitted under an RMA',
});
export const PartSourceEnum = enumOf(PART_SOURCES);
registerEnumType(PartSourceEnum, {
  name: 'RmaPartSource',
  description: 'Who made a replacement part: only ORIGINAL_MANUFACTURER parts are allowed without a waiver',
});
export const RmaEventTypeEnum = enumOf(INBOUND_EVENT_TYPES);
registerEnumType(RmaEventTypeEnum, { name: 'RmaEventType', description: 'Inbound RMA events (Kafka and recordRmaEvent)' });
export const PartKindEnum = enumOf(['FAULTY', 'REPLACEMENT'] as const);
registerEnumType(PartKindEnum, { name: 'RmaPartKind' });

/**
 * Visibility: CUSTOMER keys by customer; PARTNER keys by the centre that raised
 * the RMA (`originCentreId`). Escalation only moves an RMA up, so every centre
 * that handles it is the origin or above it, and a PARTNER key sees its own
 * centre and the centres below: the raising partner keeps seeing its RMA after
 * escalating, the regional centre and the OEM see it too, siblings never do.
 */
@ObjectType({ description: 'A return merchandise authorisation: a faulty unit or part going through repair or replacement.' })
@Entity('rmas')
@Index('ix_rmas_serial', ['serialNumber', 'requestedAt'])
@Index('ix_rmas_centre', ['centreId'])
// Scope column first, then the list order: a partner's or customer's page reads its rows in order (migration 1763880000000).
@Index('ix_rmas_origin_created', ['originCentreId', 'createdAt'])
@Index('ix_rmas_customer_created', ['customerId', 'createdAt'])
@Index('ix_rmas_status', ['status', 'createdAt'])
@Index('ix_rmas_created', ['createdAt'])
@TenantScoped({ CUSTOMER: 'customerId', PARTNER: 'originCentreId' })
@EntityKeys(['id', 'number'])
export class Rma {
  @Field(() => ID) @IdColumn() id: string;
  @Field({ description: 'Human-readable and unique, e.g. RMA-2026-000123; the Kafka key of its events' })
  @Index('uq_rmas_number', { unique: true })
  @TextColumn(40)
  number: string;
  @Field(() => RmaStatusEnum) @TextColumn(32) status: RmaStatus;
  @Field(() => RmaDispositionEnum) @TextColumn(24) disposition: Disposition;
  @Field({ description: 'Why the disposition was chosen, e.g. SECOND_QUALIFYING_FAILURE_IN_WARRANTY' })
  @TextColumn(64)
  dispositionReason: string;
  @Field(() => ID, { nullable: true, description: 'The earlier RMA that made this the second failure' })
  @RefColumn({ nullable: true })
  referenceRmaId: string | null;
  @Field(() => ID) @RefColumn() customerId: string;
  @Field(() => ID) @RefColumn() deviceId: string;
  @Field() @TextColumn(64) serialNumber: string;
  @Field(() => ID) @RefColumn() siteId: string;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) incidentId: string | null;
  @Field(() => ID, { description: 'The centre the RMA is assigned to now' }) @RefColumn() centreId: string;
  @Field(() => ID, { description: 'The centre that raised it' }) @RefColumn() originCentreId: string;
  @Field() @LongTextColumn() problem: string;
  @Field(() => [String]) @JsonColumn() faultyPartNumbers: string[];
  @Field({ description: 'Who created it: a centre code or an operator' }) @TextColumn(120) createdBy: string;

  @Field() @TimestampColumn() requestedAt: Date;
  @Field({ description: "When the customer's unit left service: the repair clock starts here" })
  @TimestampColumn()
  outOfServiceAt: Date;
  @Field({ description: 'When the current status was entered (event time)' }) @TimestampColumn() statusChangedAt: Date;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) approvedAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'The defective unit must be back by then, or the RMA expires' })
  @TimestampColumn({ nullable: true })
  validUntil: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) advanceShippedAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) defectiveReceivedAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) repairStartedAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) repairCompletedAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) returnedAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) replacedAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) rejectedAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) expiredAt: Date | null;
  @Field(() => String, { nullable: true }) @TextColumn(1000, { nullable: true }) rejectionReason: string | null;
  @Field(() => Date, {
    nullable: true,
    description: 'The customer had a working unit again (own unit, replacement or advance replacement)',
  })
  @TimestampColumn({ nullable: true })
  serviceRestoredAt: Date | null;
  @Field(() => String, { nullable: true }) @TextColumn(64, { nullable: true }) replacementSerialNumber: string | null;

  @Field(() => Int, { description: 'Working days of repair after which a loaner is owed (contract default 5)' })
  @IntColumn()
  loanerThresholdWorkingDays: number;
  @Field(() => Date, { nullable: true, description: 'When the repair exceeds the threshold (site calendar), unless the unit is back' })
  @TimestampColumn({ nullable: true })
  loanerDeadline: Date | null;
  @Field({ description: 'The loaner deadline lies in a year the calendar has no data for: it assumed Monday-Friday' })
  @BoolColumn({ default: false })
  calendarIncomplete: boolean;
  @Field(() => Date, { nullable: true, description: 'Repair completion the centre projects' })
  @TimestampColumn({ nullable: true })
  projectedCompletionAt: Date | null;
  @Field() @BoolColumn({ default: false }) loanerRequired: boolean;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) loanerRequiredAt: Date | null;
  @Field(() => String, { nullable: true, description: 'ACTUAL (threshold passed) or PROJECTED (projection exceeds it)' })
  @TextColumn(16, { nullable: true })
  loanerBasis: string | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) loanerDueAt: Date | null;
  @RefColumn({ nullable: true }) loanerAssignmentId: string | null;
  @TextColumn(64, { nullable: true }) loanerSerialNumber: string | null;
  @TextColumn(100, { nullable: true }) loanerModel: string | null;
  @TextColumn(16, { nullable: true }) loanerMatch: string | null;
  @RefColumn({ nullable: true }) loanerDepotId: string | null;
  @TimestampColumn({ nullable: true }) loanerAssignedAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) loanerDeliveredAt: Date | null;

  @Field(() => String, { nullable: true, description: "Reference of the customer's written waiver of the new-original-parts rule" })
  @TextColumn(120, { nullable: true })
  partsWaiverReference: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(200, { nullable: true }) partsWaiverSignedBy: string | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) partsWaiverAt: Date | null;
  @TextColumn(120, { nullable: true }) partsWaiverRecordedBy: string | null;

  /** Last timeline sequence number used (entries are numbered per RMA, in the order they were applied). */
  @IntColumn({ default: 0 }) eventSeq: number;
  @Field() @TimestampColumn() createdAt: Date;
  @Field() @TimestampColumn() updatedAt: Date;
}

@ObjectType({ description: 'A part on an RMA: a faulty part reported, or a replacement part fitted.' })
@Entity('rma_parts')
@Index('ix_rma_parts_rma', ['rmaId'])
export class RmaPart {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() rmaId: string;
  @Field(() => PartKindEnum) @TextColumn(16) kind: 'FAULTY' | 'REPLACEMENT';
  @Field() @TextColumn(64) partNumber: string;
  @Field(() => String, { nullable: true }) @TextColumn(200, { nullable: true }) description: string | null;
  @Field(() => PartConditionEnum, { nullable: true }) @TextColumn(16, { nullable: true }) condition: PartCondition | null;
  @Field(() => PartSourceEnum, { nullable: true }) @TextColumn(32, { nullable: true }) source: PartSource | null;
  @Field(() => String, { nullable: true }) @TextColumn(100, { nullable: true }) manufacturer: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(64, { nullable: true }) serialNumber: string | null;
  @Field(() => Int) @IntColumn() quantity: number;
  @Field({ description: "Accepted only because of the customer's written waiver" }) @BoolColumn({ default: false }) waiverApplied: boolean;
  @Field() @TimestampColumn() recordedAt: Date;
  @Field() @TextColumn(120) recordedBy: string;
}

/** The timeline: one row per applied event, per hub decision, per late fact. */
@ObjectType('RmaHistoryEntry', { description: 'One entry of an RMA timeline.' })
@Entity('rma_events')
@Index('uq_rma_events_seq', ['rmaId', 'seq'], { unique: true })
@Index('ix_rma_events_serial', ['serialNumber', 'occurredAt'])
@TenantScoped({ CUSTOMER: 'customerId', PARTNER: 'originCentreId' })
export class RmaEvent {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() rmaId: string;
  @Field() @TextColumn(40) rmaNumber: string;
  @Field(() => Int, { description: 'Position in the RMA timeline: the order the hub applied things in' }) @IntColumn() seq: number;
  @Field() @TextColumn(64) serialNumber: string;
  @RefColumn() customerId: string;
  @RefColumn() originCentreId: string;
  @Field(() => String, { nullable: true, description: 'The inbound eventId, when the entry came from an event' })
  @TextColumn(64, { nullable: true })
  eventId: string | null;
  @Field({
    description:
      'An inbound event type, or what the hub did: StatusSettled (ADVANCE_REPLACEMENT_SHIPPED → AWAITING_DEFECTIVE_RETURN), LoanerRequired, LoanerAssigned, LoanerUnavailable, RmaExpired, PartRecorded, PartsWaiverRecorded',
  })
  @TextColumn(40)
  type: string;
  @Field({ description: 'Kafka source, operator, or hub' }) @TextColumn(120) source: string;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) actorCentreId: string | null;
  @Field(() => RmaStatusEnum, { nullable: true }) @TextColumn(32, { nullable: true }) fromStatus: RmaStatus | null;
  @Field(() => RmaStatusEnum, { nullable: true }) @TextColumn(32, { nullable: true }) toStatus: RmaStatus | null;
  @Field({ description: 'Reported after a later step: recorded without changing the status' })
  @BoolColumn({ default: false })
  late: boolean;
  @Field() @TimestampColumn() occurredAt: Date;
  @Field() @TimestampColumn() recordedAt: Date;
  @Field(() => GraphQLJSONObject, { nullable: true }) @JsonColumn({ nullable: true }) payload: Record<string, unknown> | null;
}

/** An inbound event that arrived before the state it needs; retried after each change of its RMA. */
@Entity('rma_held_events')
@Index('ix_rma_held_number', ['rmaNumber', 'occurredAt'])
export class HeldRmaEvent {
  @IdColumn() id: string;
  @TextColumn(40) rmaNumber: string;
  @Index('uq_rma_held_event', { unique: true }) @TextColumn(64) eventId: string;
  @TextColumn(40) type: string;
  @TextColumn(120) source: string;
  @TimestampColumn() occurredAt: Date;
  @TimestampColumn() receivedAt: Date;
  @TimestampColumn() expiresAt: Date;
  @TextColumn(300) waitingFor: string;
  /** The envelope as JSON; the raw bytes and position are kept so a dead letter shows the message as received. */
  @LongTextColumn() envelope: string;
  @TextColumn(120) topic: string;
  @IntColumn() partition: number;
  @TextColumn(40) offset: string;
  @TextColumn(120, { nullable: true }) messageKey: string | null;
  @LongTextColumn() raw: string;
}

/** Per-year sequence for hub-issued RMA numbers, incremented inside the creating transaction. */
@Entity('rma_counters')
export class RmaCounter {
  @IntColumn({ primary: true }) year: number;
  @IntColumn() lastSequence: number;
}

/**
 * One row per RMA number, locked by every transaction that changes that RMA,
 * including before the RMA exists: an event held for a number and the creation
 * of that number cannot interleave and leave the held event stranded.
 */
@Entity('rma_streams')
export class RmaStream {
  @TextColumn(40, { primary: true }) number: string;
  @TimestampColumn() createdAt: Date;
}
