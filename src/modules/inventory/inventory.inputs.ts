import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PartCondition, PartLifecycle } from './part.entity';
import { ReservationStatus } from './reservation.entity';
import { MovementType } from './stock.entity';
import { AlertStatus, StockAlertKind, SuggestionStatus } from './alert.entity';
import { TransferStatus } from './transfer.entity';
import { StockTakeStatus } from './stock-take.entity';

const MAX_QUANTITY = 100_000;
const KEY = /^[A-Za-z0-9._:/-]{8,100}$/;
const KEY_MESSAGE = 'idempotencyKey must be 8-100 letters, digits or . _ : / -';

@InputType()
export class CreatePartInput {
  @Field() @Matches(/^[A-Za-z0-9._/#+-]{2,64}$/, { message: 'partNumber must be 2-64 letters, digits or . _ / # + -' }) partNumber: string;
  @Field() @Length(1, 100) manufacturer: string;
  @Field() @Length(1, 300) description: string;
  @Field(() => [String], { description: 'Device models the part fits (Device.model)' })
  @ArrayMaxSize(200)
  @Length(1, 100, { each: true })
  fitsModels: string[];
}

@InputType()
export class PartFilter {
  @Field({ nullable: true, description: 'Only parts that fit this device model' }) @IsOptional() @Length(1, 100) model?: string;
  @Field(() => PartLifecycle, { nullable: true }) @IsOptional() lifecycle?: PartLifecycle;
}

@InputType()
export class AnnouncePartEolInput {
  @Field() @Length(1, 64) partNumber: string;
  @Field({ description: 'Last day of supply; at least 6 months ahead unless force' }) endOfSupply: Date;
  @Field({ defaultValue: false, description: 'Announce with less than 6 months notice (the manufacturer gave none)' }) force: boolean;
  @Field({ nullable: true, description: 'Extra text for the customer notice, e.g. the successor part' })
  @IsOptional()
  @Length(1, 2000)
  note?: string;
}

@InputType()
export class CreateDepotInput {
  @Field() @Matches(/^[A-Z0-9-]{2,32}$/, { message: 'code must be 2-32 upper-case letters, digits or dashes' }) code: string;
  @Field() @Length(1, 200) name: string;
  @Field() @Length(1, 40) region: string;
  @Field() @Length(1, 100) city: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 300) address?: string;
}

@InputType({ description: 'Give region or siteId (a site row overrides its region for this depot)' })
export class DepotCoverageInput {
  @Field({ nullable: true }) @IsOptional() @Length(1, 40) region?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() siteId?: string;
  @Field({ description: 'ISO-8601 duration, e.g. PT2H or P1D' }) @Length(2, 32) deliveryTime: string;
}

@InputType()
export class StockFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() depotId?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 64) partNumber?: string;
  @Field(() => PartCondition, { nullable: true }) @IsOptional() condition?: PartCondition;
  @Field({ nullable: true, description: 'Only lines whose available stock is below the reorder point' })
  @IsOptional()
  belowReorderPoint?: boolean;
}

@InputType()
export class MovementFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() depotId?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 64) partNumber?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() stockId?: string;
  @Field(() => MovementType, { nullable: true }) @IsOptional() type?: MovementType;
  @Field(() => ID, { nullable: true }) @IsOptional() reservationId?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 64) incidentId?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 64) rmaNumber?: string;
}

@InputType()
export class ReservationFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() depotId?: string;
  @Field(() => ReservationStatus, { nullable: true }) @IsOptional() status?: ReservationStatus;
  @Field({ nullable: true }) @IsOptional() @Length(1, 64) incidentId?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 64) rmaNumber?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) idempotencyKey?: string;
}

@InputType()
export class ReservePartsInput {
  @Field(() => ID) depotId: string;
  @Field() @Length(1, 64) partNumber: string;
  @Field(() => Int) @Min(1) @Max(MAX_QUANTITY) quantity: number;
  @Field(() => PartCondition, { defaultValue: PartCondition.NEW }) condition: PartCondition;
  @Field({ nullable: true }) @IsOptional() @Length(1, 64) incidentId?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 64) rmaNumber?: string;
  @Field({ description: 'Chosen by the caller and sent again on every retry: the same key never reserves twice' })
  @Matches(KEY, { message: KEY_MESSAGE })
  idempotencyKey: string;
  @Field({ defaultValue: 'PT24H', description: 'ISO-8601 duration; not dispatched by then, the parts are released' })
  @Length(2, 32)
  holdFor: string;
}

@InputType()
export class DispatchReservationInput {
  @Field(() => ID) reservationId: string;
  @Field() @Length(1, 100) carrier: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) trackingNumber?: string;
  @Field({ nullable: true, description: "Carrier's estimated arrival" }) @IsOptional() eta?: Date;
  @Field({ nullable: true, description: 'When the spares must be on site (default: dispatch + deliveryWithin)' })
  @IsOptional()
  deliveryDeadline?: Date;
  @Field({ defaultValue: 'PT2H', description: 'ISO-8601 duration from dispatch, used when no deliveryDeadline is given' })
  @Length(2, 32)
  deliveryWithin: string;
}

@InputType()
export class ReceiveStockInput {
  @Field(() => ID) depotId: string;
  @Field() @Length(1, 64) partNumber: string;
  @Field(() => PartCondition, { defaultValue: PartCondition.NEW }) condition: PartCondition;
  @Field(() => Int) @Min(1) @Max(MAX_QUANTITY) quantity: number;
  @Field({ nullable: true, description: 'Delivery note or purchase order' }) @IsOptional() @Length(1, 500) reason?: string;
  @Field({ nullable: true, description: 'Retry key: a retried receipt is booked once' })
  @IsOptional()
  @Matches(KEY, { message: KEY_MESSAGE })
  idempotencyKey?: string;
}

@InputType()
export class ReturnDefectivePartInput {
  @Field(() => ID) depotId: string;
  @Field() @Length(1, 64) partNumber: string;
  @Field(() => Int, { defaultValue: 1 }) @Min(1) @Max(MAX_QUANTITY) quantity: number;
  @Field() @Length(1, 64) rmaNumber: string;
  @Field({ nullable: true, description: 'Serial of the failed part, if it has one' }) @IsOptional() @Length(1, 64) serialNumber?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 400) reason?: string;
  @Field({ nullable: true }) @IsOptional() @Matches(KEY, { message: KEY_MESSAGE }) idempotencyKey?: string;
}

@InputType()
export class TransferStockInput {
  @Field(() => ID) fromDepotId: string;
  @Field(() => ID) toDepotId: string;
  @Field() @Length(1, 64) partNumber: string;
  @Field(() => PartCondition, { defaultValue: PartCondition.NEW }) condition: PartCondition;
  @Field(() => Int) @Min(1) @Max(MAX_QUANTITY) quantity: number;
  @Field({ nullable: true }) @IsOptional() @Length(1, 500) reason?: string;
  @Field({ nullable: true }) @IsOptional() @Matches(KEY, { message: KEY_MESSAGE }) idempotencyKey?: string;
}

@InputType()
export class TransferFilter {
  @Field(() => ID, { nullable: true, description: 'Transfers from or to this depot' }) @IsOptional() depotId?: string;
  @Field(() => TransferStatus, { nullable: true }) @IsOptional() status?: TransferStatus;
}

@InputType()
export class SetReorderPolicyInput {
  @Field(() => ID) depotId: string;
  @Field() @Length(1, 64) partNumber: string;
  @Field(() => PartCondition, { defaultValue: PartCondition.NEW }) condition: PartCondition;
  @Field(() => Int) @Min(0) @Max(MAX_QUANTITY) reorderPoint: number;
  @Field(() => Int) @Min(0) @Max(MAX_QUANTITY) reorderQuantity: number;
}

@InputType()
export class StockTakeLineInput {
  @Field() @Length(1, 64) partNumber: string;
  @Field(() => PartCondition, { defaultValue: PartCondition.NEW }) condition: PartCondition;
  @Field(() => Int) @Min(0) @Max(MAX_QUANTITY) countedQuantity: number;
}

@InputType()
export class RecordStockTakeInput {
  @Field(() => ID) depotId: string;
  @Field() @Matches(KEY, { message: KEY_MESSAGE }) idempotencyKey: string;
  @Field({ description: 'Why the count was taken and how (e.g. "quarterly count, aisle 3")' }) @Length(1, 500) reason: string;
  @Field(() => [StockTakeLineInput]) @ArrayMinSize(1) @ArrayMaxSize(1000) @ValidateNested({ each: true }) lines: StockTakeLineInput[];
}

@InputType()
export class StockTakeFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() depotId?: string;
  @Field(() => StockTakeStatus, { nullable: true }) @IsOptional() status?: StockTakeStatus;
}

@InputType()
export class StockAlertFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() depotId?: string;
  @Field(() => StockAlertKind, { nullable: true }) @IsOptional() kind?: StockAlertKind;
  @Field(() => AlertStatus, { nullable: true }) @IsOptional() status?: AlertStatus;
}

@InputType()
export class SuggestionFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() depotId?: string;
  @Field(() => SuggestionStatus, { defaultValue: SuggestionStatus.OPEN }) status: SuggestionStatus;
}

@ArgsType()
export class FindSpareArgs {
  @Field() @Length(1, 64) partNumber: string;
  @Field(() => ID) siteId: string;
  @Field({ description: 'When the part must be on site' }) deadline: Date;
  @Field(() => Int, { defaultValue: 1 }) @Min(1) @Max(MAX_QUANTITY) quantity: number;
  @Field(() => PartCondition, { nullable: true, description: 'Default: NEW or REFURBISHED' }) @IsOptional() condition?: PartCondition;
}
