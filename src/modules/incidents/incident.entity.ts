import { EntityKeys } from '../../platform/graphql/federation';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import {
  BoolColumn,
  IdColumn,
  IntColumn,
  JsonColumn,
  LongTextColumn,
  RefColumn,
  TextColumn,
  TimestampColumn,
} from '../../platform/db/columns';
import { DistanceClass } from '../customers/customer.entity';
import type { Coverage } from '../sla/rules/coverage';
import type { StoredClocks } from './incident-sla';
import {
  EmergencyKind,
  EscalationKind,
  EscalationTrigger,
  IncidentChannel,
  IncidentEventType,
  IncidentStatus,
  ManagementLevel,
} from './incident.enums';
import { Severity, SlaClockKind } from '../sla/sla.enums';

/**
 * A reported fault. SLA clocks are stored as raw facts (start, pauses, stop,
 * budget changes) in `clocks`; due times and usage are derived on read with
 * the current calendar. `nextDueAt` and `breached` are denormalised from them
 * on every write so lists can filter in SQL.
 */
@ObjectType({ description: 'A fault reported on a device or at a site, with its SLA clocks' })
@Entity('incidents')
@Index('uq_incidents_customer_ref', ['customerId', 'externalRef'], { unique: true })
@Index('ix_incidents_customer', ['customerId', 'reportedAt'])
@Index('ix_incidents_device', ['deviceId', 'reportedAt'])
@Index('ix_incidents_site', ['siteId'])
@Index('ix_incidents_status', ['status', 'nextDueAt'])
@Index('ix_incidents_centre', ['assignedCentreId'])
@Index('ix_incidents_contract', ['contractId'])
@TenantScoped({ CUSTOMER: 'customerId', PARTNER: 'assignedCentreId' })
@EntityKeys(['id'])
export class Incident {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() customerId: string;
  @Field(() => ID) @RefColumn() siteId: string;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) deviceId: string | null;
  @Field(() => ID) @RefColumn() contractId: string;
  @Field(() => ID, { nullable: true, description: 'Support centre working the case (owned by the support-network module)' })
  @RefColumn({ nullable: true })
  assignedCentreId: string | null;
  @Field(() => Int, { description: '1 = first-line, 3 = vendor / expert support' }) @IntColumn() supportTier: number;
  @Field(() => ManagementLevel) @TextColumn(16) managementLevel: ManagementLevel;
  @Field(() => Severity) @TextColumn(2) severity: Severity;
  @Field(() => IncidentStatus) @TextColumn(24) status: IncidentStatus;
  @Field(() => IncidentChannel) @TextColumn(16) channel: IncidentChannel;
  @Field() @TextColumn(500) summary: string;
  @Field(() => String, { nullable: true }) @LongTextColumn({ nullable: true }) description: string | null;
  @Field(() => String, {
    nullable: true,
    description: "The reporter's own reference; a repeated report with the same reference returns this incident",
  })
  @TextColumn(120, { nullable: true })
  externalRef: string | null;
  @Field(() => EmergencyKind, { nullable: true }) @TextColumn(24, { nullable: true }) emergencyKind: EmergencyKind | null;
  @Field({ description: 'The emergency plan is running: progress updates are due every interval' })
  @BoolColumn({ default: false })
  emergencyActive: boolean;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) emergencyActivatedAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'Next emergency progress update is due by then' })
  @TimestampColumn({ nullable: true })
  nextProgressDueAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) lastProgressAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'When the fault started, if known (clocks start at reportedAt)' })
  @TimestampColumn({ nullable: true })
  occurredAt: Date | null;
  @Field() @TimestampColumn() reportedAt: Date;
  @Field() @TextColumn(120) reportedBy: string;
  /** Coverage in force when reported (with the site's zone): business time must not change meaning under a running clock. */
  @JsonColumn() coverage: Coverage;
  @Field({ description: 'Holiday calendar the clocks run on' }) @TextColumn(16) calendarRegion: string;
  @Field(() => DistanceClass) @TextColumn(16) distanceClass: DistanceClass;
  @JsonColumn() clocks: StoredClocks;
  /** Job keys currently planned for this incident, so a change cancels/schedules only the difference. */
  @JsonColumn() jobKeys: string[];
  @Field(() => Date, { nullable: true, description: 'Earliest deadline of a running clock' })
  @TimestampColumn({ nullable: true })
  nextDueAt: Date | null;
  @Field({ description: 'Some SLA deadline was missed' }) @BoolColumn({ default: false }) breached: boolean;
  @Field({ description: 'A deadline lies in a year the calendar has no data for: it assumed Monday-Friday' })
  @BoolColumn({ default: false })
  calendarIncomplete: boolean;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) acknowledgedAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) restoredAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'When it was closed or cancelled' })
  @TimestampColumn({ nullable: true })
  closedAt: Date | null;
  @Field(() => String, { nullable: true }) @TextColumn(120, { nullable: true }) closedBy: string | null;
  @Field(() => String, { nullable: true, description: 'Operator closure: the customer consent it relied on' })
  @TextColumn(200, { nullable: true })
  closureConsentRef: string | null;
  @Field(() => Int, { nullable: true, description: 'Customer satisfaction 1-5' }) @IntColumn({ nullable: true }) satisfaction:
    number | null;
  @Field(() => String, { nullable: true }) @TextColumn(1000, { nullable: true }) customerComment: string | null;
  @IntColumn({ default: 0 }) eventSeq: number;
  @Field() @TimestampColumn() updatedAt: Date;
  @Field(() => Date, {
    nullable: true,
    description: 'Set when the monitoring that raised the incident reported the alert resolved; cleared when it fires again',
  })
  @TimestampColumn({ nullable: true })
  monitoringClearedAt: Date | null;
}

@ObjectType({ description: 'One entry of an incident timeline: who changed what, when' })
@Entity('incident_events')
@Index('uq_incident_events_seq', ['incidentId', 'seq'], { unique: true })
@TenantScoped({ CUSTOMER: 'customerId' })
export class IncidentEvent {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() incidentId: string;
  @RefColumn() customerId: string;
  @Field(() => Int) @IntColumn() seq: number;
  @Field() @TimestampColumn() at: Date;
  @Field(() => IncidentEventType) @TextColumn(32) type: IncidentEventType;
  @Field({ description: 'Key name of the person or system' }) @TextColumn(120) actor: string;
  @Field(() => IncidentStatus, { nullable: true }) @TextColumn(24, { nullable: true }) fromStatus: IncidentStatus | null;
  @Field(() => IncidentStatus, { nullable: true }) @TextColumn(24, { nullable: true }) toStatus: IncidentStatus | null;
  @Field(() => SlaClockKind, { nullable: true }) @TextColumn(16, { nullable: true }) clock: SlaClockKind | null;
  @Field() @TextColumn(1000) message: string;
  @Field(() => String, { nullable: true, description: 'Structured details as JSON text' })
  @LongTextColumn({ nullable: true })
  details: string | null;
}

@ObjectType({ description: 'One escalation step and why it happened' })
@Entity('incident_escalations')
@Index('ix_incident_escalations_incident', ['incidentId', 'seq'])
@TenantScoped({ CUSTOMER: 'customerId' })
export class IncidentEscalation {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() incidentId: string;
  @RefColumn() customerId: string;
  @IntColumn() seq: number;
  @Field() @TimestampColumn() at: Date;
  @Field(() => EscalationKind) @TextColumn(32) kind: EscalationKind;
  @Field(() => EscalationTrigger) @TextColumn(24) trigger: EscalationTrigger;
  @Field(() => SlaClockKind, { nullable: true }) @TextColumn(16, { nullable: true }) clock: SlaClockKind | null;
  @Field() @TextColumn(16) fromValue: string;
  @Field() @TextColumn(16) toValue: string;
  @Field() @TextColumn(500) reason: string;
  /** The scheduled job that fired it (audit of exactly-once firing). */
  @TextColumn(200, { nullable: true }) jobKey: string | null;
}

@ObjectType()
export class PartUsed {
  @Field() partNumber: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => Int) quantity: number;
  @Field(() => String, { nullable: true, description: 'Serial of the part fitted' }) serialNumber: string | null;
}

@ObjectType({ description: 'Fault diagnosis report: findings, cause, actions, parts used' })
@Entity('incident_diagnoses')
@Index('uq_incident_diagnoses_incident', ['incidentId'], { unique: true })
@TenantScoped({ CUSTOMER: 'customerId' })
export class IncidentDiagnosis {
  @IdColumn() id: string;
  @Field(() => ID) @RefColumn() incidentId: string;
  @RefColumn() customerId: string;
  @Field() @LongTextColumn() findings: string;
  @Field() @LongTextColumn() cause: string;
  @Field() @LongTextColumn() actions: string;
  @Field(() => [PartUsed]) @JsonColumn() partsUsed: PartUsed[];
  @Field() @TextColumn(120) recordedBy: string;
  @Field() @TimestampColumn() recordedAt: Date;
  @Field(() => Int, { description: 'Revision: each recordDiagnosis replaces the report and adds one' }) @IntColumn() revision: number;
}

@ObjectType({ description: 'The report an emergency incident ends with' })
@Entity('incident_emergency_reports')
@Index('uq_incident_emergency_reports_incident', ['incidentId'], { unique: true })
@TenantScoped({ CUSTOMER: 'customerId' })
export class EmergencyReport {
  @IdColumn() id: string;
  @Field(() => ID) @RefColumn() incidentId: string;
  @RefColumn() customerId: string;
  @Field() @LongTextColumn() summary: string;
  @Field() @LongTextColumn() impact: string;
  @Field() @LongTextColumn() rootCause: string;
  @Field() @LongTextColumn() actionsTaken: string;
  @Field() @LongTextColumn() preventiveMeasures: string;
  @Field() @TextColumn(120) submittedBy: string;
  @Field() @TimestampColumn() submittedAt: Date;
}
