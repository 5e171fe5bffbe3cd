import { ArrayMaxSize, IsInt, IsOptional, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PartConditionEnum, PartSourceEnum, Rma, RmaEventTypeEnum, RmaStatusEnum } from './rma.entity';
import type { InboundEventType } from './rules/applicability';
import type { PartCondition, PartSource } from './rules/parts-policy';
import type { RmaStatus } from './rules/state-machine';

const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

@InputType()
export class RequestRmaInput {
  @Field(() => ID, { nullable: true, description: 'The incident the RMA comes from' }) @IsOptional() incidentId?: string;
  @Field() @Matches(/^[A-Za-z0-9._/-]{3,64}$/, { message: 'deviceSerial must be 3-64 letters, digits or . _ / -' }) deviceSerial: string;
  @Field(() => [String]) @ArrayMaxSize(50) @Length(1, 64, { each: true }) faultyPartNumbers: string[];
  @Field() @Length(1, 4000) problem: string;
  @Field(() => ID, { nullable: true, description: "Centre asked to handle it; defaults to the incident's assigned centre" })
  @IsOptional()
  centreId?: string;
  @Field({ nullable: true, description: 'When the unit left service (default now): the repair clock starts there' })
  @IsOptional()
  outOfServiceAt?: Date;
  @Field(() => Int, { nullable: true, description: 'Working days of repair after which a loaner is owed (contract default 5)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60)
  loanerThresholdWorkingDays?: number;
}

@InputType()
export class ApproveRmaInput {
  @Field({ nullable: true, description: 'ISO-8601 duration the defective unit has to come back (default P30D)' })
  @IsOptional()
  @Matches(ISO_DURATION, { message: 'validity must be an ISO-8601 duration such as P30D' })
  validity?: string;
  @Field({ nullable: true, description: 'Explicit end of the validity window (instead of validity)' }) @IsOptional() validUntil?: Date;
  @Field({ nullable: true }) @IsOptional() @Length(1, 1000) note?: string;
}

@InputType()
export class RecordRmaEventInput {
  @Field() @Matches(/^[A-Z0-9][A-Z0-9-]{2,39}$/, { message: 'rmaNumber is not a valid RMA number' }) rmaNumber: string;
  @Field(() => RmaEventTypeEnum) type: InboundEventType;
  @Field(() => GraphQLJSONObject, { description: 'The event payload, exactly as on Kafka' }) payload: Record<string, unknown>;
  @Field(() => Int, { defaultValue: 1 }) @IsInt() @Min(1) version: number;
  @Field({ nullable: true, description: 'When it happened (default now)' }) @IsOptional() occurredAt?: Date;
  @Field({ nullable: true, description: 'Idempotency key: the same eventId is applied once, whichever path it came by' })
  @IsOptional()
  @Length(1, 64)
  eventId?: string;
}

@InputType()
export class RecordPartsWaiverInput {
  @Field() @Length(3, 40) rmaNumber: string;
  @Field({ description: "Reference of the customer's signed waiver document" }) @Length(1, 120) reference: string;
  @Field({ description: 'Who signed it for the customer' }) @Length(1, 200) signedBy: string;
  @Field({ nullable: true, description: 'When it was signed (default now)' }) @IsOptional() signedAt?: Date;
}

@InputType()
export class RecordReplacementPartInput {
  @Field() @Length(3, 40) rmaNumber: string;
  @Field() @Length(1, 64) partNumber: string;
  @Field(() => PartConditionEnum) condition: PartCondition;
  @Field(() => PartSourceEnum) source: PartSource;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) manufacturer?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 64) serialNumber?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 200) description?: string;
  @Field(() => Int, { defaultValue: 1 }) @IsInt() @Min(1) @Max(1000) quantity: number;
}

@InputType()
export class RmaFilter {
  @Field(() => [RmaStatusEnum], { nullable: true }) @IsOptional() @ArrayMaxSize(20) status?: RmaStatus[];
  @Field(() => ID, { nullable: true, description: 'Assigned centre' }) @IsOptional() centreId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() customerId?: string;
  @Field({ nullable: true }) @IsOptional() @MaxLength(64) serial?: string;
  @Field({ nullable: true }) @IsOptional() loanerRequired?: boolean;
  @Field({
    nullable: true,
    description: 'Open RMAs whose repair has passed its loaner deadline without the customer having a working unit again',
  })
  @IsOptional()
  overdue?: boolean;
}

export const RmaEventOutcomeEnum = {
  APPLIED: 'APPLIED',
  RECORDED_LATE: 'RECORDED_LATE',
  HELD: 'HELD',
  DUPLICATE: 'DUPLICATE',
  REFUSED: 'REFUSED',
} as const;
registerEnumType(RmaEventOutcomeEnum, {
  name: 'RmaEventOutcome',
  description:
    'APPLIED; RECORDED_LATE (a step overtaken by a later one: its facts, no status change); HELD (waits for the state it needs); ' +
    'DUPLICATE (eventId seen before); REFUSED (recordRmaEvents only: dead-lettered, see errorCode; recordRmaEvent answers an error instead)',
});

@ObjectType()
export class RecordRmaEventResult {
  @Field({ description: 'The eventId the event was recorded under (given, or generated when not given)' }) eventId: string;
  @Field(() => RmaEventOutcomeEnum) outcome: keyof typeof RmaEventOutcomeEnum;
  @Field(() => String, { nullable: true, description: 'For REFUSED: the error code (as extensions.code of the single call)' }) errorCode:
    string | null;
  @Field(() => String, { nullable: true, description: 'For REFUSED: why' }) errorMessage: string | null;
  @Field(() => String, { nullable: true, description: 'For HELD: what the event waits for' }) waitingFor: string | null;
  @Field(() => Rma, { nullable: true, description: 'The RMA after the event (null when held for an RMA not created yet)' }) rma: Rma | null;
}
