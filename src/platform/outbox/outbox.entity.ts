import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { IntColumn, LongTextColumn, TextColumn, TimestampColumn } from '../db/columns';

/** An event written in the same transaction as the change it announces; the relay publishes it afterwards. */
@Entity('outbox')
@Index('ix_outbox_pending', ['publishedAt'])
export class OutboxMessage {
  /** Publication order: per key, events leave in the order their transactions wrote them. */
  @PrimaryGeneratedColumn({ type: 'integer' }) seq: number;
  @TextColumn(36) eventId: string;
  @TextColumn(120) topic: string;
  @TextColumn(120) messageKey: string;
  @TextColumn(80) type: string;
  @LongTextColumn() envelope: string;
  @TimestampColumn() createdAt: Date;
  @TimestampColumn({ nullable: true }) publishedAt: Date | null;
  @IntColumn({ default: 0 }) attempts: number;
  @TextColumn(500, { nullable: true }) lastError: string | null;
}

/** Dedupe record of an inbound event already applied by one consumer (written in the effect's transaction). */
@Entity('processed_events')
export class ProcessedEvent {
  @TextColumn(80, { primary: true }) consumer: string;
  @TextColumn(64, { primary: true }) eventId: string;
  @TimestampColumn() processedAt: Date;
}

/** A single-holder lease: the outbox relay runs on one instance at a time so per-key order is kept. */
@Entity('leases')
export class Lease {
  @TextColumn(80, { primary: true }) name: string;
  @TextColumn(120) holder: string;
  @TimestampColumn() expiresAt: Date;
}
