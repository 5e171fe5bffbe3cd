import type { Hub, HubModule } from '../../platform/hub';
import { IncidentChanges } from '../incidents/incident-changes';
import { NoticesService } from '../notices/notices.service';
import { Notification } from './notification.entity';
import { NotificationSender } from './notification-sender';
import { IncidentNotificationsResolver, NotificationResolver } from './notifications.resolver';
import { NotificationsService } from './notifications.service';

export const notificationsModule: HubModule = {
  name: 'notifications',
  entities: [Notification],
  resolvers: [IncidentNotificationsResolver, NotificationResolver],
  register(hub: Hub) {
    const service = hub.get(NotificationsService);
    hub.get(IncidentChanges).onChange((tx, incident, events) => service.onIncidentChange(tx, incident, events));
    hub.outbox.tap(hub.config.kafka.topics.hubEvents, (tx, events) => service.onAnnounced(tx, events));
    hub.get(NoticesService).onPublished((tx, notices) => service.onNoticesPublished(tx, notices));
  },
  start(hub: Hub) {
    if (!hub.config.notifications.senderEnabled) return;
    const sender = hub.get(NotificationSender);
    hub.get(NotificationsService).onRecorded(() => sender.wake());
    sender.start();
    hub.onStop(() => sender.stop());
  },
};
