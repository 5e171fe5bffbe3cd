import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { IdColumn, IntColumn, TextColumn, TimestampColumn } from '../../platform/db/columns';

export enum CalendarDayKind {
  HOLIDAY = 'HOLIDAY',
  MAKEUP_WORKDAY = 'MAKEUP_WORKDAY',
}
registerEnumType(CalendarDayKind, {
  name: 'CalendarDayKind',
  description: 'HOLIDAY: a day off (public holiday or company closure); MAKEUP_WORKDAY: a weekend day that is worked (调休).',
});

export enum CalendarDaySource {
  /** Imported from the `chinese-days` package data. */
  PACKAGE = 'PACKAGE',
  /** Imported as a whole year through the API (an announcement the package does not have yet, another region). */
  IMPORT = 'IMPORT',
  /** Added or changed one by one by an operator (company-specific days); survives re-imports of the year. */
  MANUAL = 'MANUAL',
}
registerEnumType(CalendarDaySource, { name: 'CalendarDaySource' });

@ObjectType({ description: 'A day that differs from the regular Monday-Friday week in one calendar region.' })
@Entity('calendar_days')
@Index('uq_calendar_days_region_date', ['region', 'date'], { unique: true })
export class CalendarDay {
  @Field(() => ID) @IdColumn() id: string;
  @Field() @TextColumn(16) region: string;
  @Field({ description: 'Civil date YYYY-MM-DD' }) @TextColumn(10) date: string;
  @Field(() => CalendarDayKind) @TextColumn(16) kind: CalendarDayKind;
  @Field(() => String, { nullable: true }) @TextColumn(100, { nullable: true }) name: string | null;
  @Field(() => CalendarDaySource) @TextColumn(16) source: CalendarDaySource;
  @Field() @TimestampColumn() updatedAt: Date;
  @TextColumn(120) updatedBy: string;
}

/**
 * A year whose official arrangements are loaded for a region. Without this row
 * the year counts as unknown: deadlines in it fall back to plain weekdays and
 * are flagged calendarIncomplete.
 */
@Entity('calendar_years')
@Index('uq_calendar_years_region_year', ['region', 'year'], { unique: true })
export class CalendarYear {
  @IdColumn() id: string;
  @TextColumn(16) region: string;
  @IntColumn() year: number;
  @TextColumn(80) source: string;
  @TimestampColumn() importedAt: Date;
  @TextColumn(120) importedBy: string;
}

@ObjectType('WorkingCalendar', { description: 'One year of a region working-day calendar.' })
export class WorkingCalendarYearView {
  @Field() region: string;
  @Field(() => Int) year: number;
  @Field({
    description: 'False when the year has not been imported: deadlines in it assume Monday-Friday and are flagged calendarIncomplete',
  })
  complete: boolean;
  @Field(() => String, { nullable: true, description: 'Where the year came from (package version or API import)' })
  source: string | null;
  @Field(() => [CalendarDay], { description: 'Holidays and make-up working days, by date' })
  days: CalendarDay[];
}
