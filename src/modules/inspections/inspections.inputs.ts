import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { Severity } from '../sla/sla.enums';
import { DeviceCheckState, HolidayPeriod, InspectionFrequency, InspectionKind, InspectionStatus } from './inspection.entity';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

@InputType()
export class CreateInspectionPlanInput {
  @Field(() => ID) contractId: string;
  @Field(() => ID) siteId: string;
  @Field(() => ID, { nullable: true, description: 'Default: the local partner centre of the site region' }) @IsOptional() centreId?: string;
  @Field(() => InspectionFrequency) frequency: InspectionFrequency;
  @Field(() => Int, { nullable: true, description: 'For TIMES_PER_YEAR: 1 to 12' }) @IsOptional() timesPerYear?: number;
  @Field(() => Int, { defaultValue: 10 }) dayOfSlot: number;
  @Field(() => [HolidayPeriod], { defaultValue: [] }) @ArrayMaxSize(5) preHolidayPeriods: HolidayPeriod[];
  @Field(() => Int, { defaultValue: 2 }) leadWorkingDays: number;
  @Field({ defaultValue: 'P7D' }) @Length(2, 32) reportDeadline: string;
  @Field({ description: 'YYYY-MM-DD; default today (site time)', nullable: true }) @IsOptional() @Matches(ISO_DATE) startsOn?: string;
  @Field({ nullable: true }) @IsOptional() @Matches(ISO_DATE) endsOn?: string;
  @Field(() => Int, { defaultValue: 90 }) @Min(7) @Max(400) horizonDays: number;
}

@InputType()
export class DeviceCheckInput {
  @Field() @Length(3, 64) deviceSerial: string;
  @Field(() => DeviceCheckState) state: DeviceCheckState;
  @Field() @Length(1, 20000) findings: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 20000) recommendedActions?: string;
}

@InputType()
export class RecordInspectionVisitInput {
  @Field({ nullable: true, description: 'Default: now' }) @IsOptional() visitedAt?: Date;
  @Field() @Length(1, 120) engineer: string;
  @Field(() => [DeviceCheckInput], { defaultValue: [] }) @ArrayMaxSize(500) @ValidateNested() checklist: DeviceCheckInput[];
}

@InputType()
export class InspectionReportInput {
  @Field() @Length(1, 20000) summary: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 20000) recommendations?: string;
}

@InputType()
export class OpenInspectionIncidentInput {
  @Field(() => ID) inspectionId: string;
  @Field() @Length(3, 64) deviceSerial: string;
  @Field(() => Severity) severity: Severity;
  @Field({ nullable: true, description: 'Default: the finding' }) @IsOptional() @Length(3, 500) summary?: string;
}

@InputType()
export class InspectionFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() customerId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() contractId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() siteId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() centreId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() planId?: string;
  @Field(() => [InspectionStatus], { nullable: true }) @IsOptional() @ArrayMinSize(1) @ArrayMaxSize(4) status?: InspectionStatus[];
  @Field(() => InspectionKind, { nullable: true }) @IsOptional() kind?: InspectionKind;
  @Field({ nullable: true, description: 'Scheduled on or after (YYYY-MM-DD)' }) @IsOptional() @Matches(ISO_DATE) from?: string;
  @Field({ nullable: true, description: 'Scheduled on or before (YYYY-MM-DD)' }) @IsOptional() @Matches(ISO_DATE) to?: string;
  @Field({ nullable: true, description: 'Visit or report deadline missed' }) @IsOptional() overdue?: boolean;
}
