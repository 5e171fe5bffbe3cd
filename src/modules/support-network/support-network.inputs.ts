import { IsEmail, IsIn, IsInt, IsOptional, Length, Matches } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { SUPPORT_TIERS } from './rules/hierarchy';

@InputType()
export class CreateSupportCentreInput {
  @Field() @Matches(/^[A-Z0-9-]{2,32}$/, { message: 'code must be 2-32 upper-case letters, digits or dashes' }) code: string;
  @Field() @Length(1, 200) name: string;
  @Field(() => Int) @IsInt() @IsIn([...SUPPORT_TIERS]) tier: number;
  @Field() @Length(1, 40) region: string;
  @Field(() => ID, { nullable: true, description: 'Escalation target; required below tier 3' }) @IsOptional() parentId?: string;
  @Field({ nullable: true, description: 'The Kafka `source` the centre publishes under' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._:-]{2,120}$/, { message: 'kafkaSourceId must be 2-120 letters, digits or . _ : -' })
  kafkaSourceId?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 200) contactName?: string;
  @Field({ nullable: true }) @IsOptional() @IsEmail() contactEmail?: string;
  @Field({ nullable: true }) @IsOptional() @Length(3, 64) contactPhone?: string;
}
