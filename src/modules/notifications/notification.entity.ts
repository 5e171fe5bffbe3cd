import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import { IdColumn, IntColumn, LongTextColumn, RefColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';
import type { NotificationCause } from './rules/recipients';

export enum NotificationCauseKind {
  BREACH_WARNING = 'BREACH_WARNING',
  BREACH = 'BREACH',
  ESCALATION = 'ESCALATION',
  EMERGENCY_UPDATE = 'EMERGENCY_UPDATE',
  EMERGENCY_UPDATE_MISSED = 'EMERGENCY_UPDATE_MISSED',
  COMPLAINT_REPLY_BREACH = 'COMPLAINT_REPLY_BREACH',
  LOANER_REQUIRED = 'LOANER_REQUIRED',
  EOL_NOTICE = 'EOL_NOTICE',
}
registerEnumType(NotificationCauseKind, { name: 'NotificationCause', description: 'Why someone was told' });

export enum NotificationChannel {
  EMAIL = 'EMAIL',
  IM = 'IM',
}
registerEnumType(NotificationChannel, { name: 'NotificationChannel' });

export enum DeliveryState {
  PENDING = 'PENDING',
  SENDING = 'SENDING',
  SENT = 'SENT',
  /** Given up after the last retry. */
  FAILED = 'FAILED',
  /** The channel is not configured (no SMTP_URL): recorded, never sent. */
  NOT_SENT = 'NOT_SENT',
}
registerEnumType(DeliveryState, { name: 'DeliveryState' });

/**
 * One message to one contact over one channel for one cause, written in the
 * transaction of the change that caused it and sent by the sender loop. The
 * unique key (cause, contact, channel) makes it once per recipient and cause
 * whatever restarts or instances do.
 */
@ObjectType('Notification', { description: 'A message to one contact for one cause, with its delivery state' })
@Entity('notifications')
@Index('uq_notifications_cause_recipient', ['causeKey', 'contactId', 'channel'], { unique: true })
@Index('ix_notifications_due', ['status', 'nextAttemptAt'])
@Index('ix_notifications_incident', ['incidentId', 'createdAt'])
@TenantScoped({ CUSTOMER: 'recipientCustomerId', PARTNER: 'recipientCentreId' })
export class Notification {
  @Field(() => ID) @IdColumn() id: string;
  /** What caused it, e.g. `incident:<id>:<timeline seq>`. */
  @TextColumn(120) causeKey: string;
  @Field(() => NotificationCauseKind) @TextColumn(32) cause: NotificationCause;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) incidentId: string | null;
  @Field(() => ID) @RefColumn() contactId: string;
  @RefColumn({ nullable: true }) recipientCustomerId: string | null;
  @RefColumn({ nullable: true }) recipientCentreId: string | null;
  @Field() @TextColumn(120) recipientName: string;
  @Field(() => NotificationChannel) @TextColumn(8) channel: NotificationChannel;
  /** E-mail address or robot webhook URL (the URL holds a token: not exposed). */
  @TextColumn(500) address: string;
  @TextColumn(16, { nullable: true }) imChannel: string | null;
  @Field() @TextColumn(8) language: string;
  @Field() @TextColumn(300) subject: string;
  @Field() @LongTextColumn() body: string;
  @Field(() => DeliveryState) @TextColumn(16) status: DeliveryState;
  @Field(() => Int) @IntColumn({ default: 0 }) attempts: number;
  @TimestampColumn() nextAttemptAt: Date;
  /** A sender holds a claimed message until then; a sender that died lets it go back to PENDING. */
  @TimestampColumn({ nullable: true }) lockedUntil: Date | null;
  @Field(() => String, { nullable: true }) @TextColumn(500, { nullable: true }) lastError: string | null;
  @Field() @TimestampColumn() createdAt: Date;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) sentAt: Date | null;
}
