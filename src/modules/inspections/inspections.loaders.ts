import { In } from 'typeorm';
import type { HubContext } from '../../platform/graphql/context';
import { Incident } from '../incidents/incident.entity';
import type { InspectionEvent, InspectionItem, InspectionPlan } from './inspection.entity';
import { InspectionsService } from './inspections.service';

/**
 * Nested fields of an inspection: one statement per page whatever its size.
 * They are reached only through an inspection the principal may see, so they
 * inherit its authorization.
 */
const service = (ctx: HubContext) => ctx.hub.get(InspectionsService);

export const inspectionItemsLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, InspectionItem[]>('inspection.items', (ids) => service(ctx).itemsFor(ids));
export const inspectionEventsLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, InspectionEvent[]>('inspection.events', (ids) => service(ctx).eventsFor(ids));
export const inspectionPlanLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, InspectionPlan>('inspectionPlan.byId', (ids) => service(ctx).plansByIds(ids));

/** The incident opened for a finding (the incidents module has no by-id loader). */
export const findingIncidentLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, Incident | null>('inspection.findingIncident', async (ids) => {
    const rows = await ctx.hub.db.manager.findBy(Incident, { id: In([...ids]) });
    return ids.map((id) => rows.find((r) => r.id === id) ?? null);
  });
