import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IsOptional, Length, ArrayMaxSize, ValidateNested, IsUUID } from 'class-validator';
import { Entity, Index } from 'typeorm';
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
import { Severity } from '../../sla/sla.enums';
import type { AlertMappingRules } from './rules/alert-payloads';

export enum AlertFormat {
  ALERTMANAGER = 'ALERTMANAGER',
  ZABBIX = 'ZABBIX',
  GENERIC = 'GENERIC',
}
registerEnumType(AlertFormat, {
  name: 'AlertFormat',
  description: 'Payload a connector accepts: Prometheus Alertmanager v4, Zabbix webhook media JSON, or any JSON read through field paths',
});

export enum DeviceIdentifier {
  SERIAL_NUMBER = 'SERIAL_NUMBER',
  HOST_NAME = 'HOST_NAME',
  ASSET_TAG = 'ASSET_TAG',
}
registerEnumType(DeviceIdentifier, {
  name: 'DeviceIdentifier',
  description:
    'What the device label holds: a serial number matches devices directly; host names and asset tags match once an operator linked one (linkUnmatchedAlert)',
});

export enum AlertDeliveryOutcome {
  ACCEPTED = 'ACCEPTED',
  DEDUPLICATED = 'DEDUPLICATED',
  CLEARED = 'CLEARED',
  UNMATCHED = 'UNMATCHED',
  REFUSED = 'REFUSED',
  IGNORED = 'IGNORED',
}
registerEnumType(AlertDeliveryOutcome, {
  name: 'AlertDeliveryOutcome',
  description:
    'ACCEPTED opened an incident; DEDUPLICATED added to an open one; CLEARED recorded "monitoring cleared"; UNMATCHED kept for an operator; REFUSED was not applied (reason); IGNORED was a resolved alert without an open incident',
});

@ObjectType('AlertSeverityMapping')
@InputType('AlertSeverityMappingInput')
export class AlertSeverityMapping {
  @Field({ description: 'Label / field value, compared case-insensitively' }) @Length(1, 100) value: string;
  @Field(() => Severity) severity: Severity;
}

@ObjectType({ description: 'How a connector reads alerts: which label names the device, severities, default site, summary template' })
export class AlertMapping implements AlertMappingRules {
  @Field() deviceField: string;
  @Field(() => DeviceIdentifier) deviceIdentifier: DeviceIdentifier;
  @Field() severityField: string;
  @Field(() => [AlertSeverityMapping]) severityMap: AlertSeverityMapping[];
  @Field(() => Severity) defaultSeverity: Severity;
  @Field(() => ID, { nullable: true }) defaultSiteId: string | null;
  @Field() summaryTemplate: string;
  @Field(() => String, { nullable: true }) statusField: string | null;
  @Field(() => [String]) resolvedValues: string[];
  @Field(() => String, { nullable: true }) fingerprintField: string | null;
  @Field(() => String, { nullable: true }) alertsPath: string | null;
}

@InputType({ description: "Mapping rules; omitted fields take the format's defaults (README: Connectors)" })
export class AlertMappingInput {
  @Field({ nullable: true }) @IsOptional() @Length(1, 200) deviceField?: string;
  @Field(() => DeviceIdentifier, { nullable: true }) @IsOptional() deviceIdentifier?: DeviceIdentifier;
  @Field({ nullable: true }) @IsOptional() @Length(1, 200) severityField?: string;
  @Field(() => [AlertSeverityMapping], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  severityMap?: AlertSeverityMapping[];
  @Field(() => Severity, { nullable: true }) @IsOptional() defaultSeverity?: Severity;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() defaultSiteId?: string | null;
  @Field({ nullable: true }) @IsOptional() @Length(1, 500) summaryTemplate?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 200) statusField?: string;
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(20) resolvedValues?: string[];
  @Field({ nullable: true }) @IsOptional() @Length(1, 200) fingerprintField?: string;
  @Field({ nullable: true }) @IsOptional() @Length(1, 200) alertsPath?: string;
}

@ObjectType({
  description: "A monitoring system's way in: alerts posted to /integrations/alerts/<id> open incidents for its customer's devices",
})
@Entity('alert_connectors')
@Index('ix_alert_connectors_customer', ['customerId'])
@TenantScoped({ CUSTOMER: 'customerId' })
export class AlertConnector {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() customerId: string;
  @Field() @TextColumn(120) name: string;
  @Field(() => AlertFormat) @TextColumn(16) format: AlertFormat;
  @Field(() => AlertMapping) @JsonColumn() mapping: AlertMapping;
  /** SHA-256 of the secret: a bearer token is checked against it. */
  @TextColumn(64) secretHash: string;
  /** The secret encrypted (CONNECTOR_SECRET_KEY): Standard Webhooks signatures are verified with it. */
  @LongTextColumn() secretSealed: string;
  @Field() @BoolColumn({ default: true }) enabled: boolean;
  @Field() @TextColumn(120) createdBy: string;
  @Field() @TimestampColumn() createdAt: Date;
}

@ObjectType({ description: 'One alert (or group of alerts for one device) a connector received, and what became of it' })
@Entity('alert_deliveries')
@Index('ix_alert_deliveries_connector', ['connectorId', 'receivedAt'])
@TenantScoped({ CUSTOMER: 'customerId' })
export class AlertDelivery {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() connectorId: string;
  @Field(() => ID) @RefColumn() customerId: string;
  @Field() @TimestampColumn() receivedAt: Date;
  @Field(() => AlertDeliveryOutcome) @TextColumn(16) outcome: AlertDeliveryOutcome;
  @Field(() => Int, { description: 'Alerts of the payload handled together (one group for one device)' }) @IntColumn() alertCount: number;
  @Field(() => String, { nullable: true }) @TextColumn(300, { nullable: true }) dedupeKey: string | null;
  @Field(() => String, { nullable: true, description: 'The device as the alert named it' }) @TextColumn(200, { nullable: true }) deviceRef:
    string | null;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) incidentId: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(500, { nullable: true }) reason: string | null;
}

@ObjectType({ description: 'An alert whose device could not be matched: kept until an operator links it to a device' })
@Entity('unmatched_alerts')
@Index('ix_unmatched_alerts_open', ['connectorId', 'dedupeHash', 'linkedAt'])
@Index('ix_unmatched_alerts_seen', ['lastSeenAt'])
export class UnmatchedAlert {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() connectorId: string;
  @Field(() => ID) @RefColumn() customerId: string;
  @TextColumn(64) dedupeHash: string;
  @Field() @TextColumn(300) dedupeKey: string;
  @Field(() => String, { nullable: true }) @TextColumn(200, { nullable: true }) deviceRef: string | null;
  @Field(() => Severity) @TextColumn(2) severity: Severity;
  @Field() @TextColumn(500) summary: string;
  @Field({ description: 'Labels / fields of the alert as received (JSON)' }) @LongTextColumn() fields: string;
  @Field(() => Int) @IntColumn() count: number;
  @Field() @BoolColumn({ default: false }) resolved: boolean;
  @Field() @TimestampColumn() firstSeenAt: Date;
  @Field() @TimestampColumn() lastSeenAt: Date;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) linkedDeviceId: string | null;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) linkedIncidentId: string | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) linkedAt: Date | null;
  @Field(() => String, { nullable: true }) @TextColumn(120, { nullable: true }) linkedBy: string | null;
}

/** Which incident an alert key feeds while it is open; a new generation starts after the incident is closed. */
@Entity('alert_incident_links')
@Index('uq_alert_incident_links_key', ['connectorId', 'dedupeHash', 'generation'], { unique: true })
export class AlertIncidentLink {
  @IdColumn() id: string;
  @RefColumn() connectorId: string;
  @TextColumn(64) dedupeHash: string;
  @IntColumn() generation: number;
  @RefColumn() incidentId: string;
  @IntColumn() count: number;
  @TimestampColumn() firstSeenAt: Date;
  @TimestampColumn() lastSeenAt: Date;
  @TimestampColumn({ nullable: true }) lastTimelineAt: Date | null;
  @TimestampColumn({ nullable: true }) clearedAt: Date | null;
  @BoolColumn({ default: false }) closed: boolean;
}

/** A host name / asset tag (or serial) a customer's monitoring uses for one of its devices. */
@Entity('alert_device_aliases')
@Index('uq_alert_device_aliases', ['customerId', 'identifier', 'value'], { unique: true })
export class AlertDeviceAlias {
  @IdColumn() id: string;
  @RefColumn() customerId: string;
  @TextColumn(16) identifier: DeviceIdentifier;
  @TextColumn(200) value: string;
  @RefColumn() deviceId: string;
  @TimestampColumn() createdAt: Date;
}

export const alertEntities = [AlertConnector, AlertDelivery, UnmatchedAlert, AlertIncidentLink, AlertDeviceAlias];
