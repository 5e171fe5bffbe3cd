import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import { IdColumn, IntColumn, RefColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';
import { PartCondition } from './part.entity';

export enum StockAlertKind {
  LOW_STOCK = 'LOW_STOCK',
  SPARES_LATE = 'SPARES_LATE',
  LOAN_OVERDUE = 'LOAN_OVERDUE',
}
registerEnumType(StockAlertKind, {
  name: 'StockAlertKind',
  description:
    'LOW_STOCK: available below the reorder point; SPARES_LATE: dispatched spares not delivered by the deadline; LOAN_OVERDUE: a loaner not back by its due date',
});

export enum AlertStatus {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}
registerEnumType(AlertStatus, { name: 'AlertStatus' });

/** The depot's alert feed (what `stockAlert(depotId)` streams). */
@ObjectType({ description: 'Something at a depot that needs attention' })
@Entity('stock_alerts')
@Index('ix_stock_alerts_depot', ['depotId', 'raisedAt'])
@Index('ix_stock_alerts_stock', ['stockId'])
@TenantScoped({ WAREHOUSE: 'depotId' })
export class StockAlert {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => StockAlertKind) @TextColumn(24) kind: StockAlertKind;
  @Field(() => ID) @RefColumn() depotId: string;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) stockId: string | null;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) partId: string | null;
  @Field(() => PartCondition, { nullable: true }) @TextColumn(16, { nullable: true }) condition: PartCondition | null;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) reservationId: string | null;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) loanId: string | null;
  @Field(() => Int, { nullable: true }) @IntColumn({ nullable: true }) available: number | null;
  @Field(() => Int, { nullable: true }) @IntColumn({ nullable: true }) reorderPoint: number | null;
  @Field() @TextColumn(500) message: string;
  @Field(() => AlertStatus) @TextColumn(16) status: AlertStatus;
  @Field() @TimestampColumn() raisedAt: Date;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) resolvedAt: Date | null;
}

export enum SuggestionStatus {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}
registerEnumType(SuggestionStatus, { name: 'SuggestionStatus' });

@ObjectType({ description: 'A proposal to reorder a stock line that fell below its reorder point' })
@Entity('replenishment_suggestions')
@Index('ix_replenishment_depot', ['depotId', 'status'])
@TenantScoped({ WAREHOUSE: 'depotId' })
export class ReplenishmentSuggestion {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() depotId: string;
  @Field(() => ID) @RefColumn() stockId: string;
  @Field(() => ID) @RefColumn() partId: string;
  @Field(() => PartCondition) @TextColumn(16) condition: PartCondition;
  @Field(() => ID) @RefColumn() alertId: string;
  @Field(() => Int) @IntColumn() quantity: number;
  @Field(() => Int, { description: 'Available when the suggestion was made' }) @IntColumn() available: number;
  @Field(() => Int) @IntColumn() reorderPoint: number;
  @Field(() => SuggestionStatus) @TextColumn(16) status: SuggestionStatus;
  @Field() @TimestampColumn() createdAt: Date;
  @Field(() => Date, { nullable: true, description: 'Set when the line recovered above its reorder point' })
  @TimestampColumn({ nullable: true })
  closedAt: Date | null;
}
