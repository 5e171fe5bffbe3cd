import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import { BoolColumn, IdColumn, IntColumn, JsonColumn, RefColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';
import { IncidentChannel, ManagementLevel } from '../incidents/incident.enums';

export enum ContactLanguage {
  ZH_CN = 'zh-CN',
  EN = 'en',
}
registerEnumType(ContactLanguage, { name: 'ContactLanguage', description: 'Language of the messages a contact receives' });

export enum ImChannelKind {
  WECOM = 'WECOM',
  DINGTALK = 'DINGTALK',
  FEISHU = 'FEISHU',
  GENERIC = 'GENERIC',
}
registerEnumType(ImChannelKind, {
  name: 'ImChannelKind',
  description: 'Body shape of the IM group-robot webhook (GENERIC: a plain JSON document)',
});

export enum StepDays {
  CALENDAR = 'CALENDAR',
  WORKING = 'WORKING',
}
registerEnumType(StepDays, {
  name: 'StepDays',
  description: "How a day-based escalation period is counted: calendar days, or working days of the incident's calendar",
});

/**
 * A person (or a team mailbox / group robot) who is told about incidents. It
 * belongs to the service desk (no customer, no centre), to one support centre,
 * or to one customer, and sits on one management level of the escalation ladder.
 */
@ObjectType({ description: 'Someone who is told: of the service desk, of a support centre, or of a customer; on one management level' })
@Entity('contacts')
@Index('ix_contacts_customer', ['customerId', 'level'])
@Index('ix_contacts_centre', ['centreId', 'level'])
@Index('ix_contacts_level', ['level'])
@TenantScoped({ CUSTOMER: 'customerId', PARTNER: 'centreId' })
export class Contact {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID, { nullable: true, description: "Set for a customer's own contact" }) @RefColumn({ nullable: true }) customerId:
    string | null;
  @Field(() => ID, { nullable: true, description: "Set for a support centre's contact" }) @RefColumn({ nullable: true }) centreId:
    string | null;
  @Field(() => ManagementLevel) @TextColumn(16) level: ManagementLevel;
  @Field() @TextColumn(120) name: string;
  @Field(() => String, { nullable: true, description: 'Job title, e.g. "NOC duty manager"' }) @TextColumn(120, { nullable: true }) role:
    string | null;
  @Field(() => String, { nullable: true }) @TextColumn(254, { nullable: true }) email: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(40, { nullable: true }) phone: string | null;
  /** The robot URL carries its access token: stored, never returned (only its host is). */
  @TextColumn(500, { nullable: true }) imWebhookUrl: string | null;
  @Field(() => ImChannelKind, { nullable: true }) @TextColumn(16, { nullable: true }) imChannel: ImChannelKind | null;
  @Field(() => ContactLanguage) @TextColumn(8) language: ContactLanguage;
  @Field(() => String, { nullable: true, description: "HH:mm-HH:mm in the incident site's zone; null = always on duty" })
  @TextColumn(11, { nullable: true })
  onDutyHours: string | null;
  @Field() @BoolColumn({ default: true }) active: boolean;
  @Field() @TimestampColumn() createdAt: Date;
  @Field() @TimestampColumn() updatedAt: Date;
}

/**
 * The people side of a contract's escalation policy: who is told at each
 * management level, the day-based step ("reported one level up after a day"),
 * and response targets that depend on the reporting channel. One row per
 * contract; every part is optional.
 */
@ObjectType({ description: "Who is told at each level of a contract's escalation, the day-based step and per-channel response targets" })
@Entity('contract_escalation_plans')
@Index('uq_contract_escalation_plans_contract', ['contractId'], { unique: true })
export class ContractEscalationPlan {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() contractId: string;
  /** Contact ids per management level; a level left out tells every contact of that level in scope. */
  @JsonColumn() contactsByLevel: Partial<Record<ManagementLevel, string[]>>;
  @Field(() => String, {
    nullable: true,
    description: 'ISO-8601 period after which an unresolved incident moves one level up (again after each period); null: no day-based step',
  })
  @TextColumn(32, { nullable: true })
  stepAfter: string | null;
  @Field(() => StepDays) @TextColumn(16) stepDays: StepDays;
  /** ISO-8601 response targets per reporting channel; a channel left out keeps the severity's target. */
  @JsonColumn() responseByChannel: Partial<Record<IncidentChannel, string>>;
  @Field() @TimestampColumn() updatedAt: Date;
  @IntColumn({ default: 1 }) version: number;
}
