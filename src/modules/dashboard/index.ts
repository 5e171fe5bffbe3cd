import type { HubModule } from '../../platform/hub';
import { dashboardRouter } from './dashboard.routes';

/** The live customer dashboard page at /dashboard (static page; data comes from the GraphQL API). */
export const dashboardModule: HubModule = {
  name: 'dashboard',
  entities: [],
  resolvers: [],
  routes: (hub) => [{ path: '/dashboard', router: dashboardRouter(hub) }],
};

export { dashboardRouter } from './dashboard.routes';
