import type { HubModule } from '../../platform/hub';
import { alertEntities } from './alerts/alert.entity';
import { AlertConnectorResolver } from './alerts/alerts.resolver';
import { alertsRouter } from './alerts/alerts.routes';
import { ALERTS_PATH } from './alerts/alerts.service';
import { webhookEntities } from './webhooks/webhook.entity';
import { WebhookWorker } from './webhooks/webhook-worker';
import { WebhookEndpointResolver } from './webhooks/webhooks.resolver';
import { WebhooksService } from './webhooks/webhooks.service';

/** The hub's edges: monitoring alerts in (alerts/), signed webhooks out (webhooks/). */
export const connectorsModule: HubModule = {
  name: 'connectors',
  entities: [...alertEntities, ...webhookEntities],
  resolvers: [AlertConnectorResolver, WebhookEndpointResolver],
  routes: (hub) => [{ path: ALERTS_PATH, router: alertsRouter(hub) }],
  register(hub) {
    const webhooks = hub.get(WebhooksService);
    hub.outbox.tap(hub.config.kafka.topics.hubEvents, (tx, events) => webhooks.fanOut(tx, events));
  },
  start(hub) {
    if (!hub.config.connectors.webhooks.workerEnabled) return;
    const worker = hub.get(WebhookWorker);
    worker.start();
    hub.onStop(() => worker.stop());
  },
};

export { WebhookWorker } from './webhooks/webhook-worker';
export { WebhooksService } from './webhooks/webhooks.service';
