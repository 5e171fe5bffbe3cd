import type { HubModule } from '../../platform/hub';
import { alertEntities } from './alerts/alert.entity';
import { AlertConnectorResolver } from './alerts/alerts.resolver';
import { alertsRouter } from './alerts/alerts.routes';
import { ALERTS_PATH } from './alerts/alerts.service';
import { IncidentChanges } from '../incidents/incident-changes';
import { itsmEntities } from './itsm/itsm.entity';
import { ItsmConnectorResolver } from './itsm/itsm.resolver';
import { itsmRouter } from './itsm/itsm.routes';
import { ITSM_PATH } from './itsm/itsm.service';
import { ItsmSyncService } from './itsm/itsm-sync.service';
import { ItsmWorker } from './itsm/itsm-worker';
import { webhookEntities } from './webhooks/webhook.entity';
import { WebhookWorker } from './webhooks/webhook-worker';
import { WebhookEndpointResolver } from './webhooks/webhooks.resolver';
import { WebhooksService } from './webhooks/webhooks.service';

/** The hub's edges: monitoring alerts in (alerts/), signed webhooks out (webhooks/), two-way ticket sync with customers' ITSMs (itsm/). */
export const connectorsModule: HubModule = {
  name: 'connectors',
  entities: [...alertEntities, ...webhookEntities, ...itsmEntities],
  resolvers: [AlertConnectorResolver, WebhookEndpointResolver, ItsmConnectorResolver],
  routes: (hub) => [
    { path: ALERTS_PATH, router: alertsRouter(hub) },
    { path: ITSM_PATH, router: itsmRouter(hub) },
  ],
  register(hub) {
    const webhooks = hub.get(WebhooksService);
    hub.outbox.tap(hub.config.kafka.topics.hubEvents, (tx, events) => webhooks.fanOut(tx, events));
    const itsm = hub.get(ItsmSyncService);
    hub.get(IncidentChanges).onChange((tx, incident, events) => itsm.onIncidentChange(tx, incident, events));
    hub.outbox.tap(hub.config.kafka.topics.hubEvents, (tx, events) => itsm.onHubEvents(tx, events));
  },
  start(hub) {
    if (hub.config.connectors.itsm.syncEnabled) {
      const itsmWorker = hub.get(ItsmWorker);
      itsmWorker.start();
      hub.onStop(() => itsmWorker.stop());
    }
    if (!hub.config.connectors.webhooks.workerEnabled) return;
    const worker = hub.get(WebhookWorker);
    worker.start();
    hub.onStop(() => worker.stop());
  },
};

export { ItsmWorker } from './itsm/itsm-worker';
export { WebhookWorker } from './webhooks/webhook-worker';
export { WebhooksService } from './webhooks/webhooks.service';
