import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import { IdColumn, LongTextColumn, RefColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';

export enum NoticeKind {
  MAINTENANCE_WINDOW = 'MAINTENANCE_WINDOW',
  END_OF_LIFE = 'END_OF_LIFE',
  SECURITY_ADVISORY = 'SECURITY_ADVISORY',
  SERVICE_INFO = 'SERVICE_INFO',
}
registerEnumType(NoticeKind, { name: 'NoticeKind' });

@ObjectType({ description: 'A message from the service desk to one customer: planned maintenance, EOL notice, advisory.' })
@Entity('notices')
@Index('ix_notices_customer', ['customerId', 'publishedAt'])
@TenantScoped({ CUSTOMER: 'customerId' })
export class Notice {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() customerId: string;
  @Field(() => NoticeKind) @TextColumn(32) kind: NoticeKind;
  @Field() @TextColumn(200) title: string;
  @Field() @LongTextColumn() body: string;
  @Field() @TimestampColumn() publishedAt: Date;
  @Field() @TextColumn(120) publishedBy: string;
}
