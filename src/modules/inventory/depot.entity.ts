import { EntityKeys } from '../../platform/graphql/federation';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { TenantScoped } from '../../platform/auth/scope';
import { IdColumn, IntColumn, RefColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';

@ObjectType({ description: 'A spare-parts warehouse' })
@Entity('depots')
@TenantScoped({ WAREHOUSE: 'id' })
@EntityKeys(['id'])
export class Depot {
  @Field(() => ID) @IdColumn() id: string;
  @Field() @Index('uq_depots_code', { unique: true }) @TextColumn(32) code: string;
  @Field() @TextColumn(200) name: string;
  @Field({ description: 'Region code where the depot is, e.g. CN-EAST' }) @TextColumn(40) region: string;
  @Field() @TextColumn(100) city: string;
  @Field(() => String, { nullable: true }) @TextColumn(300, { nullable: true }) address: string | null;
  @Field() @TimestampColumn() createdAt: Date;
}

@ObjectType({ description: 'A region or a single site a depot delivers to, and how long delivery takes' })
@Entity('depot_coverage')
@Index('ix_depot_coverage_depot', ['depotId'])
@Index('ix_depot_coverage_region', ['region'])
@Index('ix_depot_coverage_site', ['siteId'])
@TenantScoped({ WAREHOUSE: 'depotId' })
export class DepotCoverage {
  @Field(() => ID) @IdColumn() id: string;
  @Field(() => ID) @RefColumn() depotId: string;
  @Field(() => String, { nullable: true }) @TextColumn(40, { nullable: true }) region: string | null;
  @Field(() => ID, { nullable: true }) @RefColumn({ nullable: true }) siteId: string | null;
  @Field({ description: 'ISO-8601 duration, e.g. PT2H' }) @TextColumn(32) deliveryTime: string;
  /** The same duration in minutes, so depots can be ordered in SQL and in rules without re-parsing. */
  @Field(() => Int) @IntColumn() deliveryMinutes: number;
}
