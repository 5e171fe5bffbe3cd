import { EntityKeys } from '../../platform/graphql/federation';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import { BoolColumn, IdColumn, RefColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';

@ObjectType({ description: 'A customer organisation that holds service contracts.' })
@Entity('customers')
@TenantScoped({ CUSTOMER: 'id' })
@EntityKeys(['id', 'code'])
export class Customer {
  @Field(() => ID) @IdColumn() id: string;
  @Field({ description: 'Short unique code used in RMA numbers and reports' })
  @Index('uq_customers_code', { unique: true })
  @TextColumn(32)
  code: string;
  @Field() @TextColumn(200) name: string;
  @Field(() => String, { nullable: true }) @TextColumn(200, { nullable: true }) contactName: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(200, { nullable: true }) contactEmail: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(64, { nullable: true }) contactPhone: string | null;
  @Field() @TimestampColumn() createdAt: Date;
}

export enum DistanceClass {
  URBAN = 'URBAN',
  SUBURBAN = 'SUBURBAN',
  REMOTE = 'REMOTE',
}
registerEnumType(DistanceClass, {
  name: 'DistanceClass',
  description: 'How far a site is from the service centre; on-site targets differ (e.g. 4 h in the city, 8 h elsewhere).',
});

@ObjectType({ description: 'A place where a customer runs equipment: a data centre, a machine room, an office.' })
@Entity('sites')
@Index('ix_sites_customer', ['customerId'])
@TenantScoped({ CUSTOMER: 'customerId' })
@EntityKeys(['id'])
export class Site {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() customerId: string;
  @Field() @TextColumn(200) name: string;
  @Field() @TextColumn(100) city: string;
  @Field({ description: 'Region code used to match support centres and depots, e.g. CN-EAST' })
  @TextColumn(40)
  region: string;
  @Field({ description: 'IANA time zone of the site; SLA clocks in working hours run in it' })
  @TextColumn(64)
  timeZone: string;
  @Field({ description: 'Holiday calendar region, e.g. CN' }) @TextColumn(16) calendarRegion: string;
  @Field(() => DistanceClass) @TextColumn(16) distanceClass: DistanceClass;
  @Field(() => String, { nullable: true }) @TextColumn(300, { nullable: true }) address: string | null;
  @Field() @TimestampColumn() createdAt: Date;
}

@ObjectType({ description: 'One unit of the installed base, known by its serial number.' })
@Entity('devices')
@Index('ix_devices_customer', ['customerId'])
@Index('ix_devices_site', ['siteId'])
@TenantScoped({ CUSTOMER: 'customerId' })
@EntityKeys(['id', 'serialNumber'])
export class Device {
  @Field(() => ID) @IdColumn() id: string;
  @Field() @Index('uq_devices_serial', { unique: true }) @TextColumn(64) serialNumber: string;
  @Field() @TextColumn(100) vendor: string;
  @Field() @TextColumn(100) model: string;
  @Field({ description: 'Devices of one class are acceptable substitutes (loaners), e.g. "2U-2S-SERVER"' })
  @TextColumn(64)
  equivalenceClass: string;
  @Field(() => ID) @RefColumn() customerId: string;
  @Field(() => ID) @RefColumn() siteId: string;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) contractId: string | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) installedAt: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) warrantyStart: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) warrantyEnd: Date | null;
  @Field({ description: 'False once the unit was replaced or decommissioned' }) @BoolColumn({ default: true }) active: boolean;
  @Field() @TimestampColumn() createdAt: Date;
}
