/**
 * GraphQL enums of the incident domain. Their values are exactly the string
 * unions of the pure rules (rules/*), so values pass between the two unchanged.
 * The SLA vocabulary (Severity, SlaClockKind) lives in the sla module.
 */
import { registerEnumType } from 'type-graphql';

export enum IncidentStatus {
  NEW = 'NEW',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  IN_PROGRESS = 'IN_PROGRESS',
  ON_SITE = 'ON_SITE',
  AWAITING_PARTS = 'AWAITING_PARTS',
  AWAITING_CUSTOMER = 'AWAITING_CUSTOMER',
  RESTORED = 'RESTORED',
  CLOSED = 'CLOSED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(IncidentStatus, { name: 'IncidentStatus' });

export enum IncidentChannel {
  PHONE = 'PHONE',
  EMAIL = 'EMAIL',
  PORTAL = 'PORTAL',
  API = 'API',
  MONITORING = 'MONITORING',
}
registerEnumType(IncidentChannel, { name: 'IncidentChannel' });

export enum EmergencyKind {
  DATA_LOSS = 'DATA_LOSS',
  DATACENTER_OUTAGE = 'DATACENTER_OUTAGE',
}
registerEnumType(EmergencyKind, {
  name: 'EmergencyKind',
  description: 'A P1 with one of these flags runs the emergency plan: hourly progress updates and a final emergency report',
});

export enum ManagementLevel {
  ENGINEER = 'ENGINEER',
  TEAM_LEAD = 'TEAM_LEAD',
  SERVICE_MANAGER = 'SERVICE_MANAGER',
  DIRECTOR = 'DIRECTOR',
}
registerEnumType(ManagementLevel, { name: 'ManagementLevel', description: 'Who is accountable for the incident now' });

export enum SlaClockState {
  RUNNING = 'RUNNING',
  PAUSED = 'PAUSED',
  MET = 'MET',
  BREACHED = 'BREACHED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(SlaClockState, { name: 'SlaClockState' });

export enum EscalationKind {
  RAISE_SEVERITY = 'RAISE_SEVERITY',
  RAISE_MANAGEMENT_LEVEL = 'RAISE_MANAGEMENT_LEVEL',
  RAISE_SUPPORT_TIER = 'RAISE_SUPPORT_TIER',
}
registerEnumType(EscalationKind, { name: 'EscalationKind' });

export enum EscalationTrigger {
  /** An SLA clock missed its deadline. */
  CLOCK_BREACH = 'CLOCK_BREACH',
  /** An emergency incident went without a progress update past its interval. */
  PROGRESS_OVERDUE = 'PROGRESS_OVERDUE',
  /** Still unresolved after the contract's step period (day-based escalation, escalation-steps module). */
  UNRESOLVED_PERIOD = 'UNRESOLVED_PERIOD',
}
registerEnumType(EscalationTrigger, { name: 'EscalationTrigger' });

export enum IncidentEventType {
  REPORTED = 'REPORTED',
  STATUS_CHANGED = 'STATUS_CHANGED',
  SEVERITY_CHANGED = 'SEVERITY_CHANGED',
  TARGETS_CHANGED = 'TARGETS_CHANGED',
  CLOCK_WARNING = 'CLOCK_WARNING',
  CLOCK_BREACHED = 'CLOCK_BREACHED',
  ESCALATED = 'ESCALATED',
  ASSIGNED = 'ASSIGNED',
  DIAGNOSIS_RECORDED = 'DIAGNOSIS_RECORDED',
  EMERGENCY_ACTIVATED = 'EMERGENCY_ACTIVATED',
  PROGRESS_POSTED = 'PROGRESS_POSTED',
  PROGRESS_OVERDUE = 'PROGRESS_OVERDUE',
  EMERGENCY_REPORT_SUBMITTED = 'EMERGENCY_REPORT_SUBMITTED',
  CLOSURE_CONFIRMED = 'CLOSURE_CONFIRMED',
  MONITORING_ALERT = 'MONITORING_ALERT',
  MONITORING_CLEARED = 'MONITORING_CLEARED',
  /** A comment the customer wrote in its own system (e.g. its ITSM ticket). */
  CUSTOMER_COMMENT = 'CUSTOMER_COMMENT',
  /** The customer's own ticket for this incident is known (its number is the external reference). */
  EXTERNAL_TICKET_LINKED = 'EXTERNAL_TICKET_LINKED',
}
registerEnumType(IncidentEventType, { name: 'IncidentEventType' });

/** What a live update on `incidentUpdated` is about. */
export enum IncidentUpdateKind {
  REPORTED = 'REPORTED',
  STATUS_CHANGED = 'STATUS_CHANGED',
  CLOCK_WARNING = 'CLOCK_WARNING',
  CLOCK_BREACHED = 'CLOCK_BREACHED',
  SEVERITY_CHANGED = 'SEVERITY_CHANGED',
  ESCALATED = 'ESCALATED',
  TARGETS_CHANGED = 'TARGETS_CHANGED',
  ASSIGNED = 'ASSIGNED',
  DIAGNOSIS_RECORDED = 'DIAGNOSIS_RECORDED',
  PROGRESS_POSTED = 'PROGRESS_POSTED',
  PROGRESS_OVERDUE = 'PROGRESS_OVERDUE',
  EMERGENCY_REPORT_SUBMITTED = 'EMERGENCY_REPORT_SUBMITTED',
  MONITORING_SIGNAL = 'MONITORING_SIGNAL',
  CUSTOMER_COMMENT = 'CUSTOMER_COMMENT',
}
registerEnumType(IncidentUpdateKind, { name: 'IncidentUpdateKind' });
