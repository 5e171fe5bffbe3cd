import type { HubContext } from '../../platform/graphql/context';
import type { Depot, DepotCoverage } from './depot.entity';
import { DepotsService } from './depots.service';
import type { Part } from './part.entity';
import { PartsService } from './parts.service';
import type { StockTakeLine } from './stock-take.entity';
import { StockTakesService } from './stock-takes.service';

/**
 * Per-request batch loaders for nested fields (a page of movements asks for its
 * parts and depots in one statement each). The loaders do not scope: they are
 * reached through a parent row the key was already allowed to see.
 */
export const partLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, Part>('inventory.part.byId', (ids) => ctx.hub.get(PartsService).partsByIds(ids));
export const fitsModelsLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, string[]>('inventory.part.fitsModels', (ids) => ctx.hub.get(PartsService).fitsModelsByPartIds(ids));
export const depotLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, Depot>('inventory.depot.byId', (ids) => ctx.hub.get(DepotsService).depotsByIds(ids));
export const coverageLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, DepotCoverage[]>('inventory.depot.coverage', (ids) => ctx.hub.get(DepotsService).coverageByDepotIds(ids));
export const stockTakeLinesLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, StockTakeLine[]>('inventory.stockTake.lines', (ids) => ctx.hub.get(StockTakesService).linesByTakeIds(ids));
