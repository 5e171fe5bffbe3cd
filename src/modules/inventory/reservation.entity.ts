import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import { IdColumn, IntColumn, RefColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';
import { PartCondition } from './part.entity';

export enum ReservationStatus {
  HELD = 'HELD',
  RELEASED = 'RELEASED',
  EXPIRED = 'EXPIRED',
  DISPATCHED = 'DISPATCHED',
  DELIVERED = 'DELIVERED',
}
registerEnumType(ReservationStatus, {
  name: 'ReservationStatus',
  description: 'HELD → DISPATCHED → DELIVERED, or HELD → RELEASED (by hand) / EXPIRED (hold time ran out)',
});

@ObjectType({ description: 'Parts held at a depot for an incident or RMA' })
@Entity('reservations')
@Index('ix_reservations_depot', ['depotId', 'createdAt'])
@Index('ix_reservations_incident', ['incidentId'])
@Index('ix_reservations_rma', ['rmaNumber'])
@TenantScoped({ WAREHOUSE: 'depotId' })
export class Reservation {
  @Field(() => ID) @IdColumn() id: string;
  @Field({ description: "The caller's retry key: the same key always yields this reservation" })
  @Index('uq_reservations_key', { unique: true })
  @TextColumn(100)
  idempotencyKey: string;
  @Field(() => ID) @RefColumn() stockId: string;
  @Field(() => ID) @RefColumn() depotId: string;
  @Field(() => ID) @RefColumn() partId: string;
  @Field(() => PartCondition) @TextColumn(16) condition: PartCondition;
  @Field(() => Int) @IntColumn() quantity: number;
  @Field(() => String, { nullable: true }) @TextColumn(64, { nullable: true }) incidentId: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(64, { nullable: true }) rmaNumber: string | null;
  @Field(() => ReservationStatus) @TextColumn(16) status: ReservationStatus;
  @Field({ description: 'ISO-8601 duration the parts are held for before they are released by themselves' })
  @TextColumn(32)
  holdFor: string;
  @Field() @TimestampColumn() holdUntil: Date;
  @Field() @TextColumn(120) reservedBy: string;
  @Field() @TimestampColumn() createdAt: Date;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) releasedAt: Date | null;
  @Field(() => String, { nullable: true }) @TextColumn(300, { nullable: true }) releaseReason: string | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) dispatchedAt: Date | null;
  @Field(() => String, { nullable: true }) @TextColumn(100, { nullable: true }) carrier: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(100, { nullable: true }) trackingNumber: string | null;
  @Field(() => Date, { nullable: true, description: "Carrier's estimated arrival" }) @TimestampColumn({ nullable: true }) eta: Date | null;
  @Field(() => Date, { nullable: true, description: 'When the spares must be on site; a SPARES_LATE alert is raised after it' })
  @TimestampColumn({ nullable: true })
  deliveryDeadline: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) deliveredAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) lateAlertAt: Date | null;
}
