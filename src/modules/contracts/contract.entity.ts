import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import { IdColumn, IntColumn, JsonColumn, RefColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';
import type { EscalationPolicy } from '../sla/rules/escalation';
import { Severity, SlaClockKind } from '../sla/sla.enums';
import type { StoredCoverage, StoredTargets } from '../sla/contract-plan';

export enum ContractKind {
  WARRANTY = 'WARRANTY',
  POST_WARRANTY = 'POST_WARRANTY',
}
registerEnumType(ContractKind, {
  name: 'ContractKind',
  description: 'Which devices a plan is for: units still under the vendor warranty, or units after it ended',
});

export enum CoverageType {
  SEVEN_BY_24 = 'SEVEN_BY_24',
  BUSINESS_HOURS = 'BUSINESS_HOURS',
}
registerEnumType(CoverageType, {
  name: 'CoverageType',
  description: 'SEVEN_BY_24: clocks always run; BUSINESS_HOURS: clocks run only inside the windows on working days of the calendar',
});

/**
 * A service contract's SLA plan. Coverage and targets are stored as JSON
 * documents (validated on write by contract-plan.ts) because they are read as a
 * whole and never queried inside.
 */
@ObjectType('ServiceContract', {
  description: 'A service contract / SLA plan: coverage, calendar, per-severity targets, escalation policy.',
})
@Entity('service_contracts')
@TenantScoped({ CUSTOMER: 'customerId' })
export class ServiceContract {
  @Field(() => ID) @IdColumn() id: string;
  @Field() @Index('uq_service_contracts_code', { unique: true }) @TextColumn(40) code: string;
  @Field() @TextColumn(200) name: string;
  @Field(() => ID, { nullable: true, description: "Set when the contract is one customer's own; null for a plan offered to many" })
  @RefColumn({ nullable: true })
  customerId: string | null;
  @Field(() => ContractKind) @TextColumn(16) kind: ContractKind;
  @JsonColumn() coverage: StoredCoverage;
  @Field(() => String, { nullable: true, description: "Holiday calendar region; null = each site's own calendarRegion" })
  @TextColumn(16, { nullable: true })
  calendarRegion: string | null;
  @Field({ description: "IANA zone for previews without a site; incidents use their site's zone" }) @TextColumn(64) timeZone: string;
  @JsonColumn() targets: StoredTargets;
  @JsonColumn() escalationPolicy: EscalationPolicy;
  @Field({ description: 'How often an emergency P1 must get a progress update (ISO-8601 duration, wall-clock time)' })
  @TextColumn(32)
  emergencyProgressInterval: string;
  @Field() @TimestampColumn() createdAt: Date;
  @Field() @TimestampColumn() updatedAt: Date;
  @IntColumn({ default: 1 }) version: number;
}

export enum AssignmentSubject {
  DEVICE = 'DEVICE',
  CUSTOMER = 'CUSTOMER',
}
registerEnumType(AssignmentSubject, { name: 'ContractAssignmentSubject' });

/**
 * Which contract covers a device, or is a customer's default, for one kind of
 * plan. Kept here rather than in devices.contractId because the customers
 * module owns that table; devices.contractId (set at registration) is honoured
 * as a fallback.
 */
@ObjectType({ description: 'A contract assigned to a device, or as a customer default, for one kind of plan' })
@Entity('contract_assignments')
@Index('uq_contract_assignments_subject', ['subjectType', 'subjectId', 'kind'], { unique: true })
@Index('ix_contract_assignments_customer', ['customerId'])
@TenantScoped({ CUSTOMER: 'customerId' })
export class ContractAssignment {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() contractId: string;
  @Field(() => AssignmentSubject) @TextColumn(16) subjectType: AssignmentSubject;
  @Field(() => ID) @RefColumn() subjectId: string;
  @Field(() => ContractKind) @TextColumn(16) kind: ContractKind;
  @Field(() => ID) @RefColumn() customerId: string;
  @Field() @TimestampColumn() assignedAt: Date;
  @Field() @TextColumn(120) assignedBy: string;
}

// ---- read models of the JSON documents --------------------------------------

@ObjectType()
export class CoverageWindowView {
  @Field({ description: 'HH:mm local time' }) start: string;
  @Field({ description: 'HH:mm local time (24:00 allowed)' }) end: string;
}

@ObjectType('Coverage')
export class CoverageView {
  @Field(() => CoverageType) type: CoverageType;
  @Field(() => [CoverageWindowView]) windows: CoverageWindowView[];
  @Field({ description: 'Short label, e.g. 7x24 or 5x8 08:30-17:30' }) label: string;
}

@ObjectType('OnSiteTargets', { description: 'On-site arrival targets by site distance class (null: no on-site promise)' })
export class OnSiteTargetsView {
  @Field(() => String, { nullable: true }) urban: string | null;
  @Field(() => String, { nullable: true }) suburban: string | null;
  @Field(() => String, { nullable: true }) remote: string | null;
}

@ObjectType('SeverityTarget', { description: 'ISO-8601 targets for one severity' })
export class SeverityTargetView {
  @Field(() => Severity) severity: Severity;
  @Field() response: string;
  @Field(() => OnSiteTargetsView) onSite: OnSiteTargetsView;
  @Field() restore: string;
}

@ObjectType('BreachRule', { description: 'What a missed deadline of one clock raises' })
export class BreachRuleView {
  @Field(() => SlaClockKind) clock: SlaClockKind;
  @Field() raiseSeverity: boolean;
  @Field() raiseManagementLevel: boolean;
  @Field() raiseSupportTier: boolean;
}

@ObjectType('EscalationPolicy')
export class EscalationPolicyView {
  @Field(() => Float, { description: 'Share of a clock budget used when a warning goes out (0.75 = 75 %)' }) warnAtRatio: number;
  @Field(() => [BreachRuleView]) onBreach: BreachRuleView[];
}
