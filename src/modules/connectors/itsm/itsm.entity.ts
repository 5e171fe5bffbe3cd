import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TenantScoped } from '../../../platform/auth/scope';
import {
  BoolColumn,
  IdColumn,
  IntColumn,
  JsonColumn,
  LongTextColumn,
  RefColumn,
  TextColumn,
  TimestampColumn,
} from '../../../platform/db/columns';
import { IncidentStatus } from '../../incidents/incident.enums';
import { Severity } from '../../sla/sla.enums';
import type { InboundAction as InboundActionName, ItsmMapping } from './rules/itsm-sync';

export enum ItsmAuthKind {
  BASIC = 'BASIC',
  BEARER = 'BEARER',
}
registerEnumType(ItsmAuthKind, {
  name: 'ItsmAuthKind',
  description: 'How the hub authenticates to the ITSM: basic auth or a bearer token',
});

export enum ItsmInboundMode {
  POLL = 'POLL',
  PUSH = 'PUSH',
  BOTH = 'BOTH',
}
registerEnumType(ItsmInboundMode, {
  name: 'ItsmInboundMode',
  description: "How the customer's changes arrive: POLL reads the ITSM change journal, PUSH accepts them on /integrations/itsm/<id>, BOTH",
});

export enum ItsmInboundAction {
  CONFIRM_CLOSURE = 'CONFIRM_CLOSURE',
  REOPEN = 'REOPEN',
  IGNORE = 'IGNORE',
}
registerEnumType(ItsmInboundAction, {
  name: 'ItsmInboundAction',
  description:
    "What a ticket state the customer sets does: confirm the closure (the customer's consent), reopen a restored incident, nothing",
});

export enum ItsmSyncOutcome {
  SENT = 'SENT',
  APPLIED = 'APPLIED',
  ECHO = 'ECHO',
  IGNORED = 'IGNORED',
  REFUSED = 'REFUSED',
}
registerEnumType(ItsmSyncOutcome, {
  name: 'ItsmSyncOutcome',
  description:
    'SENT went to the ITSM; APPLIED changed the incident; ECHO was the hub’s own change coming back; IGNORED had no effect; REFUSED was not applied (reason)',
});

export enum ItsmOutboundStatus {
  PENDING = 'PENDING',
  SENT = 'SENT',
}

@ObjectType('ItsmStateOut')
export class ItsmStateOut {
  @Field(() => IncidentStatus) hubStatus: IncidentStatus;
  @Field() itsmState: string;
}
@ObjectType('ItsmStateIn')
export class ItsmStateIn {
  @Field() itsmState: string;
  @Field(() => ItsmInboundAction) action: ItsmInboundAction;
}
@ObjectType('ItsmPriority')
export class ItsmPriority {
  @Field(() => Severity) severity: Severity;
  @Field(() => Int) priority: number;
}
@ObjectType('ItsmStateMapping', { description: 'Hub ↔ ticket states and priorities (data, per connector)' })
export class ItsmStateMappingView {
  @Field(() => [ItsmStateOut]) outbound: ItsmStateOut[];
  @Field(() => [ItsmStateIn]) inbound: ItsmStateIn[];
  @Field(() => [ItsmPriority]) priorities: ItsmPriority[];
}

export function mappingView(m: ItsmMapping): ItsmStateMappingView {
  return {
    outbound: Object.entries(m.outbound).map(([hubStatus, itsmState]) => ({ hubStatus: hubStatus as IncidentStatus, itsmState })),
    inbound: Object.entries(m.inbound).map(([itsmState, action]) => ({ itsmState, action: action as ItsmInboundAction })),
    priorities: Object.entries(m.priorities).map(([severity, priority]) => ({ severity: severity as Severity, priority })),
  };
}
export type { InboundActionName };

@ObjectType({
  description: "A customer's ITSM the hub keeps in step with its incidents (two-way ticket sync); credentials are never returned",
})
@Entity('itsm_connectors')
@Index('uq_itsm_connectors_customer', ['customerId'], { unique: true })
@TenantScoped({ CUSTOMER: 'customerId' })
export class ItsmConnector {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() customerId: string;
  @Field() @TextColumn(120) name: string;
  @Field({ description: 'Base URL of the table API, e.g. https://itsm.example.com' }) @TextColumn(500) baseUrl: string;
  @Field(() => ItsmAuthKind) @TextColumn(16) authKind: ItsmAuthKind;
  @Field(() => String, { nullable: true }) @TextColumn(120, { nullable: true }) username: string | null;
  /** Password or token, encrypted with CONNECTOR_SECRET_KEY. */
  @LongTextColumn() credentialSealed: string;
  /** SHA-256 of the inbound secret (bearer token of /integrations/itsm/<id>). */
  @TextColumn(64) inboundSecretHash: string;
  @Field({ description: "The name the ITSM records for the hub's own changes: journal entries by it are echoes and skipped" })
  @TextColumn(120)
  integrationUser: string;
  @Field(() => ItsmInboundMode) @TextColumn(8) inbound: ItsmInboundMode;
  @JsonColumn() mapping: ItsmMapping;
  @Field() @BoolColumn({ default: true }) enabled: boolean;
  @Field(() => Int, { description: 'Last change-journal sequence number applied (polling cursor)' })
  @IntColumn({ default: 0 })
  journalCursor: number;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) lastPolledAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Last failure talking to the ITSM (cleared by the next success)' })
  @TextColumn(500, { nullable: true })
  lastError: string | null;
  @Field() @TextColumn(120) createdBy: string;
  @Field() @TimestampColumn() createdAt: Date;
}

/** Which ticket of the connector's ITSM belongs to which incident. */
@Entity('itsm_ticket_links')
@Index('uq_itsm_ticket_links_incident', ['incidentId'], { unique: true })
@Index('uq_itsm_ticket_links_ticket', ['connectorId', 'ticketNumber'], { unique: true })
export class ItsmTicketLink {
  @IdColumn() id: string;
  @RefColumn() connectorId: string;
  @RefColumn() customerId: string;
  @RefColumn() incidentId: string;
  @TextColumn(120) ticketNumber: string;
  @TimestampColumn() createdAt: Date;
}

/** One operation queued for a ticket, written in the transaction of the hub change; sent in order per incident. */
@Entity('itsm_outbound')
@Index('ix_itsm_outbound_due', ['status', 'nextAttemptAt'])
@Index('ix_itsm_outbound_incident', ['incidentId', 'status', 'seq'])
export class ItsmOutbound {
  @PrimaryGeneratedColumn({ type: 'integer' }) seq: number;
  @RefColumn() connectorId: string;
  @RefColumn() incidentId: string;
  @TextColumn(16) kind: 'CREATE' | 'PATCH' | 'COMMENT';
  @LongTextColumn() payload: string;
  @TextColumn(16) status: ItsmOutboundStatus;
  @IntColumn({ default: 0 }) attempts: number;
  @TimestampColumn() nextAttemptAt: Date;
  @TextColumn(500, { nullable: true }) lastError: string | null;
  @TimestampColumn({ nullable: true }) sentAt: Date | null;
  @TimestampColumn() createdAt: Date;
}

@ObjectType({ description: 'One exchange with the ITSM: an operation sent, or a customer change received and what became of it' })
@Entity('itsm_sync_log')
@Index('ix_itsm_sync_log_connector', ['connectorId', 'at'])
@TenantScoped({ CUSTOMER: 'customerId' })
export class ItsmSyncEntry {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() connectorId: string;
  @Field(() => ID) @RefColumn() customerId: string;
  @Field() @TimestampColumn() at: Date;
  @Field({ description: 'OUT (hub → ITSM) or IN (ITSM → hub)' }) @TextColumn(3) direction: string;
  @Field(() => ItsmSyncOutcome) @TextColumn(16) outcome: ItsmSyncOutcome;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) incidentId: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(120, { nullable: true }) ticketNumber: string | null;
  @Field(() => Int, { nullable: true, description: 'Change-journal sequence number of an inbound change' })
  @IntColumn({ nullable: true })
  journalSeq: number | null;
  @Field() @TextColumn(500) detail: string;
}

export const itsmEntities = [ItsmConnector, ItsmTicketLink, ItsmOutbound, ItsmSyncEntry];
