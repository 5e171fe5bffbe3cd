import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Field, Float, ID, InputType } from 'type-graphql';
import { Severity, SlaClockKind } from '../sla/sla.enums';
import { ContractKind, CoverageType } from './contract.entity';

const ISO_DURATION = /^P(?!$)[0-9.,DTHMSW Y]+$/i;
const DURATION_MESSAGE = 'must be an ISO-8601 duration such as PT30M, PT4H or P1D';

@InputType()
export class CoverageWindowInput {
  @Field() @Matches(/^\d{2}:\d{2}$/, { message: 'start must be HH:mm' }) start: string;
  @Field() @Matches(/^\d{2}:\d{2}$/, { message: 'end must be HH:mm' }) end: string;
}

@InputType()
export class CoverageInput {
  @Field(() => CoverageType) type: CoverageType;
  @Field(() => [CoverageWindowInput], { defaultValue: [], description: 'Working-day windows (BUSINESS_HOURS), e.g. 08:30-17:30' })
  @ArrayMaxSize(6)
  @ValidateNested()
  windows: CoverageWindowInput[];
}

@InputType({ description: 'On-site targets per distance class; a class left out inherits the closer one' })
export class OnSiteTargetsInput {
  @Field({ nullable: true }) @IsOptional() @Matches(ISO_DURATION, { message: `urban ${DURATION_MESSAGE}` }) urban?: string;
  @Field({ nullable: true }) @IsOptional() @Matches(ISO_DURATION, { message: `suburban ${DURATION_MESSAGE}` }) suburban?: string;
  @Field({ nullable: true }) @IsOptional() @Matches(ISO_DURATION, { message: `remote ${DURATION_MESSAGE}` }) remote?: string;
}

@InputType()
export class SeverityTargetInput {
  @Field(() => Severity) severity: Severity;
  @Field() @Matches(ISO_DURATION, { message: `response ${DURATION_MESSAGE}` }) response: string;
  @Field(() => OnSiteTargetsInput, { nullable: true, description: 'Omit for a remote-only plan' })
  @IsOptional()
  @ValidateNested()
  onSite?: OnSiteTargetsInput;
  @Field() @Matches(ISO_DURATION, { message: `restore ${DURATION_MESSAGE}` }) restore: string;
}

@InputType()
export class BreachRuleInput {
  @Field(() => SlaClockKind) clock: SlaClockKind;
  @Field() raiseSeverity: boolean;
  @Field() raiseManagementLevel: boolean;
  @Field() raiseSupportTier: boolean;
}

@InputType({ description: 'Clocks left out keep the default rule (raise severity and management; restore also raises the support tier)' })
export class EscalationPolicyInput {
  @Field(() => Float, { defaultValue: 0.75 }) @Min(0.01) @Max(0.99) warnAtRatio: number;
  @Field(() => [BreachRuleInput], { defaultValue: [] }) @ArrayMaxSize(3) @ValidateNested() onBreach: BreachRuleInput[];
}

@InputType()
export class CreateContractInput {
  @Field() @Matches(/^[A-Z0-9-]{2,40}$/, { message: 'code must be 2-40 upper-case letters, digits or dashes' }) code: string;
  @Field() @Length(1, 200) name: string;
  @Field(() => ID, { nullable: true, description: 'Owner, for a customer-specific contract' }) @IsOptional() customerId?: string;
  @Field(() => ContractKind, { defaultValue: ContractKind.POST_WARRANTY }) kind: ContractKind;
  @Field(() => CoverageInput) @ValidateNested() coverage: CoverageInput;
  @Field({ nullable: true, description: "Holiday calendar; omit to use each site's calendarRegion" })
  @IsOptional()
  @Matches(/^[A-Z]{2}(-[A-Z0-9]{1,13})?$/, { message: 'calendarRegion must look like CN or CN-HUADONG' })
  calendarRegion?: string;
  @Field({ defaultValue: 'Asia/Shanghai' }) @Length(1, 64) timeZone: string;
  @Field(() => [SeverityTargetInput]) @ArrayMinSize(4) @ArrayMaxSize(4) @ValidateNested() targets: SeverityTargetInput[];
  @Field(() => EscalationPolicyInput, { nullable: true }) @IsOptional() @ValidateNested() escalationPolicy?: EscalationPolicyInput;
  @Field({ defaultValue: 'PT1H' })
  @Matches(ISO_DURATION, { message: `emergencyProgressInterval ${DURATION_MESSAGE}` })
  emergencyProgressInterval: string;
}

@InputType({ description: 'Fields left out stay as they are' })
export class UpdateContractTargetsInput {
  @Field(() => [SeverityTargetInput], { nullable: true })
  @IsOptional()
  @ArrayMinSize(4)
  @ArrayMaxSize(4)
  @ValidateNested()
  targets?: SeverityTargetInput[];
  @Field(() => EscalationPolicyInput, { nullable: true }) @IsOptional() @ValidateNested() escalationPolicy?: EscalationPolicyInput;
  @Field({ nullable: true })
  @IsOptional()
  @Matches(ISO_DURATION, { message: `emergencyProgressInterval ${DURATION_MESSAGE}` })
  emergencyProgressInterval?: string;
}

export interface AssignContractInput {
  contractId: string;
  deviceId?: string | null;
  customerId?: string | null;
}
