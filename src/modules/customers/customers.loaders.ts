import type { HubContext } from '../../platform/graphql/context';
import type { Customer, Device, Site } from './customer.entity';
import { CustomersService } from './customers.service';

/**
 * Per-request batch loaders other modules use for their nested `customer`,
 * `site` and `device` fields: one statement per page, whatever its size.
 */
export const customerLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, Customer>('customer.byId', (ids) => ctx.hub.get(CustomersService).customersByIds(ids));
export const siteLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, Site>('site.byId', (ids) => ctx.hub.get(CustomersService).sitesByIds(ids));
export const deviceLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, Device>('device.byId', (ids) => ctx.hub.get(CustomersService).devicesByIds(ids));
