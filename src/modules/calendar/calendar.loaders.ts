import type { HubContext } from '../../platform/graphql/context';
import type { WorkingCalendar } from './rules/working-calendar';
import { CalendarService } from './calendar.service';

/** One calendar per region per request, for clock fields on lists of incidents. */
export const workingCalendarLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, WorkingCalendar>('calendar.byRegion', (regions) => {
    const service = ctx.hub.get(CalendarService);
    return Promise.all(regions.map((region) => service.calendar(region)));
  });
