import { ArrayMaxSize, IsOptional, Length, Max, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { EmergencyKind, IncidentChannel, IncidentStatus } from './incident.enums';
import { Severity } from '../sla/sla.enums';

@InputType()
export class ReportIncidentInput {
  @Field({ nullable: true, description: 'Serial number of the failed unit; omit for a site-level fault' })
  @IsOptional()
  @Length(3, 64)
  deviceSerial?: string;
  @Field(() => ID, { nullable: true, description: "Required when no device is given; must match the device's site otherwise" })
  @IsOptional()
  siteId?: string;
  @Field(() => Severity) severity: Severity;
  @Field() @Length(3, 500) summary: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 20000) description?: string;
  @Field(() => IncidentChannel) channel: IncidentChannel;
  @Field({ nullable: true, description: 'Your reference; reporting again with it returns the same incident (per customer)' })
  @IsOptional()
  @Length(1, 120)
  externalRef?: string;
  @Field({ nullable: true, description: 'When the fault started, if known' }) @IsOptional() occurredAt?: Date;
  @Field(() => EmergencyKind, { nullable: true, description: 'Flags a P1 as an emergency (data loss, data-centre outage)' })
  @IsOptional()
  emergency?: EmergencyKind;
}

@InputType()
export class IncidentFilter {
  @Field(() => [IncidentStatus], { nullable: true }) @IsOptional() @ArrayMaxSize(9) status?: IncidentStatus[];
  @Field(() => [Severity], { nullable: true }) @IsOptional() @ArrayMaxSize(4) severity?: Severity[];
  @Field(() => ID, { nullable: true }) @IsOptional() customerId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() siteId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() deviceId?: string;
  @Field({ nullable: true, description: 'true: some deadline was missed; false: none so far' }) @IsOptional() breached?: boolean;
  @Field({ nullable: true, description: 'A running clock is due before this instant' }) @IsOptional() dueBefore?: Date;
}

@InputType()
export class PartUsedInput {
  @Field() @Length(1, 64) partNumber: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 200) description?: string;
  @Field(() => Int, { defaultValue: 1 }) @Min(1) @Max(1000) quantity: number;
  @Field({ nullable: true }) @IsOptional() @Length(1, 64) serialNumber?: string;
}

@InputType()
export class DiagnosisInput {
  @Field() @Length(1, 20000) findings: string;
  @Field() @Length(1, 20000) cause: string;
  @Field() @Length(1, 20000) actions: string;
  @Field(() => [PartUsedInput], { defaultValue: [] }) @ArrayMaxSize(200) @ValidateNested() partsUsed: PartUsedInput[];
}

@InputType()
export class EmergencyReportInput {
  @Field() @Length(1, 20000) summary: string;
  @Field() @Length(1, 20000) impact: string;
  @Field() @Length(1, 20000) rootCause: string;
  @Field() @Length(1, 20000) actionsTaken: string;
  @Field() @Length(1, 20000) preventiveMeasures: string;
}
