import type { DemoContext, Hub, HubModule } from '../../platform/hub';
import { CalendarDay, CalendarYear } from './calendar.entity';
import { CalendarResolver } from './calendar.resolver';
import { CalendarService } from './calendar.service';

export const calendarModule: HubModule = {
  name: 'calendar',
  entities: [CalendarDay, CalendarYear],
  resolvers: [CalendarResolver],
  async seed(hub: Hub, _demo: DemoContext) {
    const service = hub.get(CalendarService);
    for (const year of service.packageYears()) await service.importYear('CN', year, null, 'demo seed');
  },
};
