import { Entity, Index } from 'typeorm';
import { IdColumn, IntColumn, JsonColumn, TextColumn, TimestampColumn } from '../db/columns';

export type JobStatus = 'PENDING' | 'DONE' | 'CANCELLED' | 'FAILED';

/** A deadline kept in the database, so it survives restarts and fires once across instances. */
@Entity('scheduled_jobs')
@Index('ix_scheduled_jobs_due', ['status', 'dueAt'])
export class ScheduledJob {
  @IdColumn() id: string;
  @TextColumn(80) kind: string;
  /** One live job per key (e.g. `incident:<id>:RESPONSE:breach`): rescheduling moves it instead of adding another. */
  @Index('uq_scheduled_jobs_key', { unique: true })
  @TextColumn(200)
  jobKey: string;
  @TimestampColumn() dueAt: Date;
  @JsonColumn() payload: Record<string, unknown>;
  @TextColumn(16) status: JobStatus;
  @IntColumn({ default: 0 }) attempts: number;
  @TextColumn(500, { nullable: true }) lastError: string | null;
  @TimestampColumn({ nullable: true }) firedAt: Date | null;
  @TextColumn(120, { nullable: true }) firedBy: string | null;
  @TimestampColumn() createdAt: Date;
}
