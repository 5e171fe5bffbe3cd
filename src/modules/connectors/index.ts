import type { HubModule } from '../../platform/hub';
import { alertEntities } from './alerts/alert.entity';
import { AlertConnectorResolver } from './alerts/alerts.resolver';
import { alertsRouter } from './alerts/alerts.routes';
import { ALERTS_PATH } from './alerts/alerts.service';

/** The hub's edges: monitoring alerts in (alerts/), signed webhooks out (webhooks/). */
export const connectorsModule: HubModule = {
  name: 'connectors',
  entities: [...alertEntities],
  resolvers: [AlertConnectorResolver],
  routes: (hub) => [{ path: ALERTS_PATH, router: alertsRouter(hub) }],
};
