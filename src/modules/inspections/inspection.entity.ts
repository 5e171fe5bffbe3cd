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
import { ManagementLevel } from '../incidents/incident.enums';

export enum InspectionFrequency {
  MONTHLY = 'MONTHLY',
  QUARTERLY = 'QUARTERLY',
  TIMES_PER_YEAR = 'TIMES_PER_YEAR',
}
registerEnumType(InspectionFrequency, { name: 'InspectionFrequency' });

export enum HolidayPeriod {
  NEW_YEAR = 'NEW_YEAR',
  SPRING_FESTIVAL = 'SPRING_FESTIVAL',
  TWO_SESSIONS = 'TWO_SESSIONS',
  LABOUR_DAY = 'LABOUR_DAY',
  NATIONAL_DAY = 'NATIONAL_DAY',
}
registerEnumType(HolidayPeriod, {
  name: 'InspectionHolidayPeriod',
  description: 'Named periods before which an extra inspection is made; dates come from the site calendar (Two Sessions: from 3 March)',
});

export enum InspectionKind {
  ROUTINE = 'ROUTINE',
  PRE_HOLIDAY = 'PRE_HOLIDAY',
}
registerEnumType(InspectionKind, { name: 'InspectionKind' });

export enum InspectionStatus {
  SCHEDULED = 'SCHEDULED',
  /** Visited; the written report is due. */
  DONE = 'DONE',
  REPORTED = 'REPORTED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(InspectionStatus, {
  name: 'InspectionStatus',
  description: 'SCHEDULED → DONE (visited, report due) → REPORTED; or CANCELLED',
});

export enum DeviceCheckState {
  OK = 'OK',
  DEGRADED = 'DEGRADED',
  FAULTY = 'FAULTY',
  NOT_CHECKED = 'NOT_CHECKED',
}
registerEnumType(DeviceCheckState, { name: 'DeviceCheckState' });

export enum InspectionEventType {
  VISITED = 'VISITED',
  CHECKLIST_AMENDED = 'CHECKLIST_AMENDED',
  VISIT_OVERDUE = 'VISIT_OVERDUE',
  REPORT_WARNING = 'REPORT_WARNING',
  REPORT_OVERDUE = 'REPORT_OVERDUE',
  ESCALATED = 'ESCALATED',
  REPORT_SUBMITTED = 'REPORT_SUBMITTED',
  INCIDENT_OPENED = 'INCIDENT_OPENED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(InspectionEventType, { name: 'InspectionEventType' });

@ObjectType({ description: "A contract's preventive-inspection promise for one site: how often, before which periods, report deadline" })
@Entity('inspection_plans')
@Index('ix_inspection_plans_customer', ['customerId'])
@Index('ix_inspection_plans_contract', ['contractId'])
@TenantScoped({ CUSTOMER: 'customerId', PARTNER: 'centreId' })
export class InspectionPlan {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() contractId: string;
  @Field(() => ID) @RefColumn() customerId: string;
  @Field(() => ID) @RefColumn() siteId: string;
  @Field(() => ID, { nullable: true, description: "Centre that visits; null = the site region's local partner, chosen per inspection" })
  @RefColumn({ nullable: true })
  centreId: string | null;
  @Field(() => InspectionFrequency) @TextColumn(16) frequency: InspectionFrequency;
  @Field(() => Int, { nullable: true }) @IntColumn({ nullable: true }) timesPerYear: number | null;
  @Field(() => Int, { description: 'Wanted day within each month/quarter/slot (moved to the next working day)' })
  @IntColumn()
  dayOfSlot: number;
  @Field(() => [HolidayPeriod]) @JsonColumn() preHolidayPeriods: HolidayPeriod[];
  @Field(() => Int, { description: 'A pre-holiday visit is planned this many working days before the period' })
  @IntColumn()
  leadWorkingDays: number;
  @Field({ description: 'ISO-8601 duration after the visit within which the written report is due (elapsed time), e.g. P7D' })
  @TextColumn(32)
  reportDeadline: string;
  @Field({ description: 'YYYY-MM-DD' }) @TextColumn(10) startsOn: string;
  @Field(() => String, { nullable: true }) @TextColumn(10, { nullable: true }) endsOn: string | null;
  @Field(() => Int, { description: 'Inspections are generated this many days ahead' }) @IntColumn() horizonDays: number;
  @Field() @BoolColumn({ default: true }) active: boolean;
  @Field(() => String, { nullable: true, description: 'Inspections exist up to this date' })
  @TextColumn(10, { nullable: true })
  generatedThrough: string | null;
  @Field(() => [String], {
    description: "Periods that could not be placed yet (e.g. SPRING_FESTIVAL:2027 before that year's calendar is imported)",
  })
  @JsonColumn()
  unplacedPeriods: string[];
  @Field() @TextColumn(120) createdBy: string;
  @Field() @TimestampColumn() createdAt: Date;
  @Field() @TimestampColumn() updatedAt: Date;
}

@ObjectType({ description: 'One preventive inspection visit and its written report' })
@Entity('inspections')
@Index('uq_inspections_plan_occurrence', ['planId', 'occurrenceKey'], { unique: true })
@Index('ix_inspections_customer', ['customerId', 'scheduledDate'])
@Index('ix_inspections_centre', ['centreId', 'scheduledDate'])
@Index('ix_inspections_status', ['status', 'scheduledDate'])
@TenantScoped({ CUSTOMER: 'customerId', PARTNER: 'centreId' })
export class Inspection {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() planId: string;
  @Field(() => ID) @RefColumn() contractId: string;
  @Field(() => ID) @RefColumn() customerId: string;
  @Field(() => ID) @RefColumn() siteId: string;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) centreId: string | null;
  @Field(() => InspectionKind) @TextColumn(16) kind: InspectionKind;
  @Field({ description: 'Which slot or period it is for, e.g. R:2026-Q1 or H:SPRING_FESTIVAL:2026' }) @TextColumn(64) occurrenceKey: string;
  @Field() @TextColumn(120) label: string;
  @Field(() => HolidayPeriod, { nullable: true }) @TextColumn(24, { nullable: true }) holidayPeriod: HolidayPeriod | null;
  @Field({ description: 'Planned visit day, YYYY-MM-DD (site calendar)' }) @TextColumn(10) scheduledDate: string;
  @Field({ description: 'Last day the visit is on time, YYYY-MM-DD' }) @TextColumn(10) dueBy: string;
  @Field({ description: "The end of dueBy in the site's time zone" }) @TimestampColumn() visitDueAt: Date;
  @Field(() => InspectionStatus) @TextColumn(16) status: InspectionStatus;
  @Field(() => ManagementLevel) @TextColumn(16) managementLevel: ManagementLevel;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) visitedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Engineer who made the visit' }) @TextColumn(120, { nullable: true }) engineer:
    string | null;
  @Field(() => Date, { nullable: true, description: 'The visit deadline passed without a visit (recorded at that instant)' })
  @TimestampColumn({ nullable: true })
  visitOverdueAt: Date | null;
  @Field() @TextColumn(32) reportDeadline: string;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) reportDueAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) reportWarnedAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'The report deadline passed without a report' })
  @TimestampColumn({ nullable: true })
  reportOverdueAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) reportSubmittedAt: Date | null;
  @Field(() => String, { nullable: true }) @TextColumn(120, { nullable: true }) reportSubmittedBy: string | null;
  @Field(() => String, { nullable: true }) @LongTextColumn({ nullable: true }) reportSummary: string | null;
  @Field(() => String, { nullable: true }) @LongTextColumn({ nullable: true }) reportRecommendations: string | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) cancelledAt: Date | null;
  @Field(() => String, { nullable: true }) @TextColumn(500, { nullable: true }) cancelReason: string | null;
  @IntColumn({ default: 0 }) eventSeq: number;
  @Field() @TimestampColumn() createdAt: Date;
  @Field() @TimestampColumn() updatedAt: Date;
}

@ObjectType({ description: 'The checklist entry for one device: state, findings, recommended actions' })
@Entity('inspection_items')
@Index('uq_inspection_items_device', ['inspectionId', 'deviceId'], { unique: true })
@Index('ix_inspection_items_customer', ['customerId'])
@TenantScoped({ CUSTOMER: 'customerId' })
export class InspectionItem {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() inspectionId: string;
  @RefColumn() customerId: string;
  @Field(() => ID) @RefColumn() deviceId: string;
  @Field() @TextColumn(64) serialNumber: string;
  @Field(() => DeviceCheckState) @TextColumn(16) state: DeviceCheckState;
  @Field() @LongTextColumn() findings: string;
  @Field(() => String, { nullable: true }) @LongTextColumn({ nullable: true }) recommendedActions: string | null;
  @Field(() => ID, { nullable: true, description: 'Incident opened for this finding' }) @RefColumn({ nullable: true }) incidentId:
    string | null;
  @Field() @TimestampColumn() recordedAt: Date;
  @Field() @TextColumn(120) recordedBy: string;
}

@ObjectType({ description: 'One entry of an inspection timeline' })
@Entity('inspection_events')
@Index('uq_inspection_events_seq', ['inspectionId', 'seq'], { unique: true })
@TenantScoped({ CUSTOMER: 'customerId' })
export class InspectionEvent {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() inspectionId: string;
  @RefColumn() customerId: string;
  @Field(() => Int) @IntColumn() seq: number;
  @Field() @TimestampColumn() at: Date;
  @Field(() => InspectionEventType) @TextColumn(32) type: InspectionEventType;
  @Field() @TextColumn(120) actor: string;
  @Field() @TextColumn(1000) message: string;
}
