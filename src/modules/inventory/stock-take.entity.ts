import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import { IdColumn, IntColumn, RefColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';
import { PartCondition } from './part.entity';

export enum StockTakeStatus {
  COMPLETED = 'COMPLETED',
  PENDING_APPROVAL = 'PENDING_APPROVAL',
  REJECTED = 'REJECTED',
}
registerEnumType(StockTakeStatus, { name: 'StockTakeStatus' });

export enum StockTakeLineStatus {
  MATCHED = 'MATCHED',
  APPLIED = 'APPLIED',
  PENDING_APPROVAL = 'PENDING_APPROVAL',
  REJECTED = 'REJECTED',
}
registerEnumType(StockTakeLineStatus, { name: 'StockTakeLineStatus' });

@ObjectType({ description: 'A physical count of (part of) a depot; differences become ADJUSTMENT movements' })
@Entity('stock_takes')
@Index('ix_stock_takes_depot', ['depotId', 'countedAt'])
@TenantScoped({ WAREHOUSE: 'depotId' })
export class StockTake {
  @Field(() => ID) @IdColumn() id: string;
  @Field() @Index('uq_stock_takes_key', { unique: true }) @TextColumn(100) idempotencyKey: string;
  /** Hash of the submitted lines: a retry with the same key must carry the same count. */
  @TextColumn(64) fingerprint: string;
  @Field(() => ID) @RefColumn() depotId: string;
  @Field(() => StockTakeStatus) @TextColumn(24) status: StockTakeStatus;
  @Field() @TextColumn(500) reason: string;
  @Field() @TextColumn(120) countedBy: string;
  @Field() @TimestampColumn() countedAt: Date;
  @Field(() => String, { nullable: true }) @TextColumn(120, { nullable: true }) decidedBy: string | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) decidedAt: Date | null;
}

@ObjectType()
@Entity('stock_take_lines')
@Index('ix_stock_take_lines_take', ['stockTakeId'])
export class StockTakeLine {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() stockTakeId: string;
  @Field(() => ID) @RefColumn() stockId: string;
  @Field(() => ID) @RefColumn() partId: string;
  @Field(() => PartCondition) @TextColumn(16) condition: PartCondition;
  @Field(() => Int, { description: 'On hand in the books when the count was recorded' }) @IntColumn() bookQuantity: number;
  @Field(() => Int) @IntColumn() countedQuantity: number;
  @Field(() => Int) @IntColumn() difference: number;
  @Field(() => StockTakeLineStatus) @TextColumn(24) status: StockTakeLineStatus;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) movementId: string | null;
}
