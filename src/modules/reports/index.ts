import type { HubModule } from '../../platform/hub';
import { ReportsResolver } from './reports.resolver';
import { reportsRouter } from './reports.routes';

/**
 * Read-only reports over the stored history of incidents, RMAs and loans,
 * inspections, surveys and complaints: GraphQL queries, CSV and printable
 * pages under /reports. No tables of its own.
 */
export const reportsModule: HubModule = {
  name: 'reports',
  entities: [],
  resolvers: [ReportsResolver],
  routes: (hub) => [{ path: '/reports', router: reportsRouter(hub) }],
};

export { reportsRouter } from './reports.routes';
export { ReportsService } from './reports.service';
