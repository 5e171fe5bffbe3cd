import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import { IdColumn, IntColumn, RefColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';
import { PartCondition } from './part.entity';

export enum TransferStatus {
  IN_TRANSIT = 'IN_TRANSIT',
  RECEIVED = 'RECEIVED',
}
registerEnumType(TransferStatus, { name: 'TransferStatus' });

/**
 * Stock on its way between depots: it has left the source (TRANSFER_OUT) and is
 * on hand nowhere until the destination books it in (TRANSFER_IN). A WAREHOUSE
 * key sees a transfer when either end is its depot; `fromDepotId` is the
 * declared scope column and the service widens it to the destination.
 */
@ObjectType({ description: 'Stock moved from one depot to another' })
@Entity('stock_transfers')
@Index('ix_stock_transfers_from', ['fromDepotId', 'createdAt'])
@Index('ix_stock_transfers_to', ['toDepotId', 'createdAt'])
@TenantScoped({ WAREHOUSE: 'fromDepotId' })
export class StockTransfer {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => String, { nullable: true })
  @Index('uq_stock_transfers_key', { unique: true })
  @TextColumn(100, { nullable: true })
  idempotencyKey: string | null;
  @Field(() => ID) @RefColumn() fromDepotId: string;
  @Field(() => ID) @RefColumn() toDepotId: string;
  @Field(() => ID) @RefColumn() partId: string;
  @Field(() => PartCondition) @TextColumn(16) condition: PartCondition;
  @Field(() => Int) @IntColumn() quantity: number;
  @Field(() => TransferStatus) @TextColumn(16) status: TransferStatus;
  @Field(() => String, { nullable: true }) @TextColumn(500, { nullable: true }) reason: string | null;
  @Field() @TextColumn(120) createdBy: string;
  @Field() @TimestampColumn() createdAt: Date;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) receivedAt: Date | null;
  @Field(() => String, { nullable: true }) @TextColumn(120, { nullable: true }) receivedBy: string | null;
}
