import { IsOptional, Length, Matches } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { CalendarDayKind } from './calendar.entity';

const REGION = /^[A-Z]{2}(-[A-Z0-9]{1,13})?$/;
const REGION_MESSAGE = 'region must be a country code, optionally with a suffix, e.g. CN or CN-HUADONG';

@InputType()
export class CalendarDayInput {
  @Field({ description: 'Civil date YYYY-MM-DD' }) @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' }) date: string;
  @Field(() => CalendarDayKind) kind: CalendarDayKind;
  @Field({ nullable: true }) @IsOptional() @Length(1, 100) name?: string;
}

@InputType()
export class UpsertCalendarDayInput extends CalendarDayInput {
  @Field() @Matches(REGION, { message: REGION_MESSAGE }) region: string;
}

export { REGION as CALENDAR_REGION_PATTERN, REGION_MESSAGE as CALENDAR_REGION_MESSAGE };
