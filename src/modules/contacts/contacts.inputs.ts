import { ArrayMaxSize, IsOptional, Length, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { IncidentChannel, ManagementLevel } from '../incidents/incident.enums';
import { ContactLanguage, ImChannelKind, StepDays } from './contact.entity';

@InputType({
  description: 'A customer key may leave customerId out (its own organisation); a partner key leaves centreId out (its own centre)',
})
export class CreateContactInput {
  @Field(() => ID, { nullable: true }) @IsOptional() customerId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() centreId?: string | null;
  @Field(() => ManagementLevel) level: ManagementLevel;
  @Field() @Length(1, 120) name: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(120) role?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(254) email?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(40) phone?: string | null;
  @Field(() => String, { nullable: true, description: 'Group-robot webhook URL (write-only: only its host is shown)' })
  @IsOptional()
  @MaxLength(500)
  imWebhookUrl?: string | null;
  @Field(() => ImChannelKind, { nullable: true }) @IsOptional() imChannel?: ImChannelKind | null;
  @Field(() => ContactLanguage, { defaultValue: ContactLanguage.ZH_CN }) language: ContactLanguage;
  @Field(() => String, { nullable: true, description: "HH:mm-HH:mm in the incident site's zone" })
  @IsOptional()
  @MaxLength(11)
  onDutyHours?: string | null;
}

@InputType({ description: 'Fields left out stay as they are; null clears an optional field' })
export class UpdateContactInput {
  @Field(() => ManagementLevel, { nullable: true }) @IsOptional() level?: ManagementLevel;
  @Field({ nullable: true }) @IsOptional() @Length(1, 120) name?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(120) role?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(254) email?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(40) phone?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(500) imWebhookUrl?: string | null;
  @Field(() => ImChannelKind, { nullable: true }) @IsOptional() imChannel?: ImChannelKind | null;
  @Field(() => ContactLanguage, { nullable: true }) @IsOptional() language?: ContactLanguage;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(11) onDutyHours?: string | null;
  @Field({ nullable: true }) @IsOptional() active?: boolean;
}

@InputType()
export class ContactFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() customerId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() centreId?: string;
  @Field(() => ManagementLevel, { nullable: true }) @IsOptional() level?: ManagementLevel;
}

@InputType()
export class LevelContactsInput {
  @Field(() => ManagementLevel) level: ManagementLevel;
  @Field(() => [ID]) @ArrayMaxSize(50) contactIds: string[];
}

@InputType()
export class ChannelResponseInput {
  @Field(() => IncidentChannel) channel: IncidentChannel;
  @Field({ description: 'ISO-8601 response target for incidents reported through this channel, e.g. PT15M' })
  @Length(2, 32)
  response: string;
}

@InputType({ description: "Replaces the contract's whole escalation plan" })
export class EscalationPlanInput {
  @Field(() => ID) contractId: string;
  @Field(() => [LevelContactsInput], { defaultValue: [] }) @ArrayMaxSize(4) @ValidateNested() levels: LevelContactsInput[];
  @Field(() => String, {
    nullable: true,
    description: 'Unresolved for this long: one management level up, again after each period (P1D; PT3S in tests)',
  })
  @IsOptional()
  @Length(2, 32)
  stepAfter?: string | null;
  @Field(() => StepDays, { defaultValue: StepDays.CALENDAR }) stepDays: StepDays;
  @Field(() => [ChannelResponseInput], { defaultValue: [] }) @ArrayMaxSize(5) @ValidateNested() responseByChannel: ChannelResponseInput[];
}
