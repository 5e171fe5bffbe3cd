import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import { BoolColumn, IdColumn, IntColumn, RefColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';
import { PartCondition } from './part.entity';

/**
 * One stock line: a part in one condition at one depot. `onHand` and `reserved`
 * change only through conditional UPDATEs (see StockService), each paired with
 * a stock_movements row, so available = onHand - reserved never goes negative
 * and the line is the sum of its movements.
 */
@ObjectType('StockLevel', { description: 'Stock of one part in one condition at one depot' })
@Entity('stock')
@Index('uq_stock_line', ['depotId', 'partId', 'condition'], { unique: true })
@Index('ix_stock_part', ['partId'])
@TenantScoped({ WAREHOUSE: 'depotId' })
export class Stock {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() depotId: string;
  @Field(() => ID) @RefColumn() partId: string;
  @Field(() => PartCondition) @TextColumn(16) condition: PartCondition;
  @Field(() => Int, { description: 'Units physically in the depot' }) @IntColumn({ default: 0 }) onHand: number;
  @Field(() => Int, { description: 'Units held for incidents/RMAs, not yet dispatched' }) @IntColumn({ default: 0 }) reserved: number;
  @Field(() => Int) @IntColumn({ default: 0 }) reorderPoint: number;
  @Field(() => Int) @IntColumn({ default: 0 }) reorderQuantity: number;
  @Field({ description: 'A low-stock alert is open for this line' }) @BoolColumn({ default: false }) alertOpen: boolean;
  @Field() @TimestampColumn() updatedAt: Date;
}

export enum MovementType {
  RECEIPT = 'RECEIPT',
  RESERVATION = 'RESERVATION',
  RELEASE = 'RELEASE',
  DISPATCH = 'DISPATCH',
  RETURN = 'RETURN',
  TRANSFER_OUT = 'TRANSFER_OUT',
  TRANSFER_IN = 'TRANSFER_IN',
  ADJUSTMENT = 'ADJUSTMENT',
}
registerEnumType(MovementType, { name: 'MovementType' });

@ObjectType({ description: 'One change of a stock line: who, why, and by how much' })
@Entity('stock_movements')
@Index('ix_stock_movements_stock', ['stockId', 'createdAt'])
@Index('ix_stock_movements_depot', ['depotId', 'createdAt'])
@Index('ix_stock_movements_reservation', ['reservationId'])
@TenantScoped({ WAREHOUSE: 'depotId' })
export class StockMovement {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() stockId: string;
  @Field(() => ID) @RefColumn() depotId: string;
  @Field(() => ID) @RefColumn() partId: string;
  @Field(() => PartCondition) @TextColumn(16) condition: PartCondition;
  @Field(() => MovementType) @TextColumn(16) type: MovementType;
  @Field(() => Int, { description: 'Units moved (always positive)' }) @IntColumn() quantity: number;
  @Field(() => Int) @IntColumn() onHandDelta: number;
  @Field(() => Int) @IntColumn() reservedDelta: number;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) reservationId: string | null;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) transferId: string | null;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) stockTakeId: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(64, { nullable: true }) incidentId: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(64, { nullable: true }) rmaNumber: string | null;
  @Field({ description: 'API key name (or system component) that made the change' }) @TextColumn(120) actor: string;
  @Field(() => String, { nullable: true }) @TextColumn(500, { nullable: true }) reason: string | null;
  /** Client retry key of the command that made this movement (receipts, returns): a retry finds it instead of booking twice. */
  @Field(() => String, { nullable: true })
  @Index('uq_stock_movements_key', { unique: true })
  @TextColumn(100, { nullable: true })
  idempotencyKey: string | null;
  @Field() @TimestampColumn() createdAt: Date;
}
