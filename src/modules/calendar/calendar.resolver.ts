import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../platform/auth/principal';
import { HubContext, principalOf } from '../../platform/graphql/context';
import type { Hub } from '../../platform/hub';
import { CalendarDay, WorkingCalendarYearView } from './calendar.entity';
import { CalendarDayInput, UpsertCalendarDayInput } from './calendar.inputs';
import { CalendarService } from './calendar.service';

@Resolver(() => WorkingCalendarYearView)
export class CalendarResolver {
  private readonly service: CalendarService;
  constructor(hub: Hub) {
    this.service = hub.get(CalendarService);
  }

  @Authorized()
  @Query(() => WorkingCalendarYearView, { description: 'Holidays and make-up working days of one region and year' })
  workingCalendar(@Arg('region') region: string, @Arg('year', () => Int) year: number): Promise<WorkingCalendarYearView> {
    return this.service.yearView(region, year);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => CalendarDay, { description: 'Adds or changes one day (e.g. a company closure); kept when the year is re-imported' })
  upsertCalendarDay(@Arg('input') input: UpsertCalendarDayInput, @Ctx() ctx: HubContext): Promise<CalendarDay> {
    return this.service.upsertDay(input, principalOf(ctx).name);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => CalendarDay, { description: 'Removes one day; the date reverts to the regular week' })
  removeCalendarDay(@Arg('region') region: string, @Arg('date') date: string): Promise<CalendarDay> {
    return this.service.removeDay(region, date);
  }

  @Authorized(Role.ADMIN, Role.OPERATOR)
  @Mutation(() => WorkingCalendarYearView, {
    description:
      'Loads a year and marks it complete. Without days: the official mainland-China arrangement from the bundled chinese-days data (CN, CN-*). With days: exactly those days (a newly announced year, another country).',
  })
  importCalendarYear(
    @Arg('region') region: string,
    @Arg('year', () => Int) year: number,
    @Ctx() ctx: HubContext,
    @Arg('days', () => [CalendarDayInput], { nullable: true }) days?: CalendarDayInput[],
  ): Promise<WorkingCalendarYearView> {
    return this.service.importYear(region, year, days, principalOf(ctx).name);
  }
}
