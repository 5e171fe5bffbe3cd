import { ArrayMaxSize, IsOptional, Length, Max, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { ComplaintCategory, ComplaintStatus } from './complaint.entity';

@InputType()
export class FileComplaintInput {
  @Field(() => ID, { nullable: true, description: 'Required for staff keys; a CUSTOMER key files for its own organisation' })
  @IsOptional()
  customerId?: string;
  @Field(() => ComplaintCategory) category: ComplaintCategory;
  @Field() @Length(3, 500) summary: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 20000) description?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() incidentId?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 40) rmaNumber?: string;
}

@InputType()
export class RateComplaintInput {
  @Field(() => Int, { description: '1 (poor) to 5 (excellent)' }) @Min(1) @Max(5) rating: number;
  @Field({ nullable: true }) @IsOptional() @Length(1, 1000) comment?: string;
}

@InputType()
export class ComplaintPolicyInput {
  @Field(() => ID, { nullable: true, description: 'Omit to set the default for customers without their own' })
  @IsOptional()
  customerId?: string;
  @Field({ description: 'ISO-8601 duration, e.g. PT15M' }) @Length(2, 32) firstReply: string;
  @Field({ description: 'ISO-8601 duration, e.g. P2D' }) @Length(2, 32) resolution: string;
}

@InputType()
export class ComplaintFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() customerId?: string;
  @Field(() => [ComplaintStatus], { nullable: true }) @IsOptional() @ArrayMaxSize(4) status?: ComplaintStatus[];
  @Field(() => ComplaintCategory, { nullable: true }) @IsOptional() category?: ComplaintCategory;
  @Field(() => ID, { nullable: true }) @IsOptional() incidentId?: string;
  @Field({ nullable: true, description: 'A clock was breached' }) @IsOptional() breached?: boolean;
}
