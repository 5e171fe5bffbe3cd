import { EntityKeys } from '../../platform/graphql/federation';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import { IdColumn, RefColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';

export enum LoanerState {
  AVAILABLE = 'AVAILABLE',
  RESERVED = 'RESERVED',
  IN_TRANSIT = 'IN_TRANSIT',
  ON_LOAN = 'ON_LOAN',
  MAINTENANCE = 'MAINTENANCE',
  RETIRED = 'RETIRED',
}
registerEnumType(LoanerState, { name: 'LoanerState' });

@ObjectType({ description: 'A unit of the loaner pool, lent to customers while their own unit is repaired' })
@Entity('loaners')
@Index('ix_loaners_depot', ['depotId', 'state'])
@Index('ix_loaners_model', ['model'])
@Index('ix_loaners_class', ['equivalenceClass'])
@TenantScoped({ WAREHOUSE: 'depotId' })
@EntityKeys(['id'])
export class Loaner {
  @Field(() => ID) @IdColumn() id: string;
  @Field() @Index('uq_loaners_serial', { unique: true }) @TextColumn(64) serialNumber: string;
  @Field() @TextColumn(100) vendor: string;
  @Field() @TextColumn(100) model: string;
  @Field({ description: 'Same meaning as Device.equivalenceClass: units of one class substitute for each other' })
  @TextColumn(64)
  equivalenceClass: string;
  @Field(() => ID) @RefColumn() depotId: string;
  @Field(() => LoanerState) @TextColumn(16) state: LoanerState;
  @Field(() => String, { nullable: true }) @TextColumn(500, { nullable: true }) notes: string | null;
  @Field() @TimestampColumn() createdAt: Date;
  @Field() @TimestampColumn() updatedAt: Date;
}

export enum LoanStatus {
  RESERVED = 'RESERVED',
  IN_TRANSIT = 'IN_TRANSIT',
  ON_LOAN = 'ON_LOAN',
  RETURNED = 'RETURNED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(LoanStatus, { name: 'LoanStatus' });

export enum LoanerMatch {
  SAME_MODEL = 'SAME_MODEL',
  EQUIVALENT = 'EQUIVALENT',
}
registerEnumType(LoanerMatch, { name: 'LoanerMatch', description: "How the loaner relates to the customer's unit" });

@ObjectType({ description: 'A loaner lent to a customer in place of a unit under repair' })
@Entity('loans')
@Index('ix_loans_customer', ['customerId', 'assignedAt'])
@Index('ix_loans_loaner', ['loanerId'])
@Index('ix_loans_depot', ['depotId', 'assignedAt'])
@Index('ix_loans_rma', ['rmaNumber'])
@TenantScoped({ CUSTOMER: 'customerId', WAREHOUSE: 'depotId' })
export class Loan {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() loanerId: string;
  @Field(() => ID, { description: 'Depot the loaner belongs to (and returns to)' }) @RefColumn() depotId: string;
  @Field(() => ID) @RefColumn() customerId: string;
  @Field(() => ID) @RefColumn() deviceId: string;
  @Field({ description: "Serial of the customer's unit under repair" }) @TextColumn(64) deviceSerial: string;
  @Field(() => String, { nullable: true }) @TextColumn(64, { nullable: true }) rmaNumber: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(64, { nullable: true }) incidentId: string | null;
  @Field(() => LoanerMatch, { name: 'match' }) @TextColumn(16) matchKind: LoanerMatch;
  @Field(() => LoanStatus) @TextColumn(16) status: LoanStatus;
  /**
   * The customer device id while the loan is open, NULL once it is closed: the
   * unique index allows one open loan per device, which makes a retried or
   * concurrent assignment for the same repair find the first one.
   */
  @Index('uq_loans_open', { unique: true }) @RefColumn({ nullable: true }) openDeviceId: string | null;
  @Field() @TextColumn(120) assignedBy: string;
  @Field() @TimestampColumn() assignedAt: Date;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) shippedAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) deliveredAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'When the loaner must be back (set once the repaired unit is returned)' })
  @TimestampColumn({ nullable: true })
  dueBackAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) overdueAlertAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) returnedAt: Date | null;
}
