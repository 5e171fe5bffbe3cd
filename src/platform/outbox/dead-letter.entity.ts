import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { IdColumn, IntColumn, LongTextColumn, TextColumn, TimestampColumn } from '../db/columns';

@ObjectType({ description: 'An inbound message the hub could not apply, kept with the reason so an operator can act on it.' })
@Entity('dead_letters')
@Index('ix_dead_letters_received', ['receivedAt'])
export class DeadLetter {
  @Field(() => ID) @IdColumn() id: string;
  @Field() @TextColumn(120) topic: string;
  @Field(() => Int) @IntColumn() partition: number;
  @Field() @TextColumn(40) offset: string;
  @Field(() => String, { nullable: true }) @TextColumn(120, { nullable: true }) messageKey: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(64, { nullable: true }) eventId: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(80, { nullable: true }) type: string | null;
  @Field(() => String, { nullable: true }) @TextColumn(120, { nullable: true }) source: string | null;
  @Field({ description: 'Why it was refused: parse error, unknown type, invalid payload, not entitled, out of order too long.' })
  @TextColumn(1000)
  reason: string;
  @Field({ description: 'The message as received (UTF-8; binary shown as base64 with a b64: prefix).' })
  @LongTextColumn()
  raw: string;
  @Field() @TimestampColumn() receivedAt: Date;
}
