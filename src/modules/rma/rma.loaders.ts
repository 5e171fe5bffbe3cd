import type { HubContext } from '../../platform/graphql/context';
import type { WorkingCalendar } from '../calendar/rules/working-calendar';
import type { Incident } from '../incidents/incident.entity';
import type { Loan } from '../loaners/loaner.entity';
import { RmaCalendars } from './links/calendar';
import { RmaIncidents } from './links/incidents';
import { RmaLoaners } from './links/loaners';
import type { Rma, RmaEvent, RmaPart } from './rma.entity';
import { RmaService } from './rma.service';

/** Per-request batch loaders for the nested fields of RMAs: one statement per field per page. */
export const rmaByIdLoader = (ctx: HubContext) => ctx.loaders.get<string, Rma>('rma.byId', (ids) => ctx.hub.get(RmaService).rmasByIds(ids));
export const rmaPartsLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, RmaPart[]>('rma.parts', (ids) => ctx.hub.get(RmaService).partsByRmaIds(ids));
export const rmaHistoryLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, RmaEvent[]>('rma.history', (ids) => ctx.hub.get(RmaService).eventsByRmaIds(ids));
export const rmaIncidentLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, Incident | null>('rma.incident', (ids) => ctx.hub.get(RmaIncidents).byIds(ids));
/** Calendars are cached per region by the calendar module; the loader makes a page ask once per region. */
export const calendarByRegionLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, WorkingCalendar>('rma.calendarByRegion', (regions) =>
    Promise.all(regions.map((region) => ctx.hub.get(RmaCalendars).calendarFor(region))),
  );
export const rmaLoanLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, Loan | null>('rma.loanByNumber', (numbers) => ctx.hub.get(RmaLoaners).loansByRmaNumbers(numbers));
