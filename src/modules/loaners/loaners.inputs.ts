import { IsOptional, Length, Matches } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { LoanerState, LoanStatus } from './loaner.entity';

@InputType()
export class RegisterLoanerInput {
  @Field() @Matches(/^[A-Za-z0-9._/-]{3,64}$/, { message: 'serialNumber must be 3-64 letters, digits or . _ / -' }) serialNumber: string;
  @Field() @Length(1, 100) vendor: string;
  @Field() @Length(1, 100) model: string;
  @Field({ nullable: true, description: 'Defaults to the model' }) @IsOptional() @Length(1, 64) equivalenceClass?: string;
  @Field(() => ID) depotId: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 500) notes?: string;
}

@InputType()
export class AssignLoanerInput {
  @Field({ nullable: true }) @IsOptional() @Length(1, 64) rmaNumber?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 64) incidentId?: string;
  @Field({ description: "Serial of the customer's unit under repair" }) @Length(1, 64) deviceSerial: string;
  @Field({ nullable: true, description: 'A specific loaner; by default the best free one is chosen' })
  @IsOptional()
  @Length(1, 64)
  loanerSerial?: string;
}

@InputType()
export class LoanerFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() depotId?: string;
  @Field(() => LoanerState, { nullable: true }) @IsOptional() state?: LoanerState;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) model?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 64) equivalenceClass?: string;
}

@InputType()
export class LoanFilter {
  @Field(() => LoanStatus, { nullable: true }) @IsOptional() status?: LoanStatus;
  @Field(() => ID, { nullable: true }) @IsOptional() customerId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() depotId?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 64) rmaNumber?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 64) incidentId?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 64) deviceSerial?: string;
  @Field({ nullable: true, description: 'Only open loans past their due-back date' }) @IsOptional() overdueOnly?: boolean;
}
