import type { HubModule } from '../../platform/hub';
import { webRoutes } from './dashboard.routes';

/** The web pages: the customer dashboard at /dashboard and the operator console at /console (built from web/; data comes from the GraphQL API). */
export const dashboardModule: HubModule = {
  name: 'dashboard',
  entities: [],
  resolvers: [],
  routes: (hub) => webRoutes(hub),
};

export { webBuildDirectory, webRoutes } from './dashboard.routes';
