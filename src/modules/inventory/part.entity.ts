import { EntityKeys } from '../../platform/graphql/federation';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';

export enum PartCondition {
  NEW = 'NEW',
  REFURBISHED = 'REFURBISHED',
  DEFECTIVE = 'DEFECTIVE',
}
registerEnumType(PartCondition, {
  name: 'PartCondition',
  description: 'Stock is kept apart by condition: NEW and REFURBISHED are usable spares, DEFECTIVE waits for return to the vendor.',
});

export enum PartLifecycle {
  ACTIVE = 'ACTIVE',
  EOL_ANNOUNCED = 'EOL_ANNOUNCED',
  DISCONTINUED = 'DISCONTINUED',
}
registerEnumType(PartLifecycle, { name: 'PartLifecycle' });

/** Parts catalogue entry. Not tenant-scoped: every authenticated key may read the catalogue. */
@ObjectType({ description: 'A spare part in the catalogue' })
@Entity('parts')
@EntityKeys(['id', 'partNumber'], { readableByEveryKey: true })
export class Part {
  @Field(() => ID) @IdColumn() id: string;
  @Field({ description: "Manufacturer's part number (FRU), unique" })
  @Index('uq_parts_number', { unique: true })
  @TextColumn(64)
  partNumber: string;
  @Field() @TextColumn(100) manufacturer: string;
  @Field() @TextColumn(300) description: string;
  @Field(() => PartLifecycle) @TextColumn(16) lifecycle: PartLifecycle;
  @Field(() => Date, { nullable: true, description: 'Last day the manufacturer supplies the part (set by announcePartEol)' })
  @TimestampColumn({ nullable: true })
  endOfSupply: Date | null;
  @Field(() => Date, { nullable: true }) @TimestampColumn({ nullable: true }) eolAnnouncedAt: Date | null;
  @Field() @TimestampColumn() createdAt: Date;
}

/** Which device models a part fits: a table, not a JSON list, so "parts for model X" and the EOL impact are indexed lookups. */
@Entity('part_fitments')
@Index('uq_part_fitments', ['partId', 'model'], { unique: true })
@Index('ix_part_fitments_model', ['model'])
export class PartFitment {
  @IdColumn() id: string;
  @RefColumn() partId: string;
  @TextColumn(100) model: string;
}
