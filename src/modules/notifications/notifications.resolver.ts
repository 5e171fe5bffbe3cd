import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { HubContext, principalOf } from '../../platform/graphql/context';
import { Incident } from '../incidents/incident.entity';
import { Notification, NotificationChannel } from './notification.entity';
import { NotificationsService } from './notifications.service';

const incidentNotificationsLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, Notification[]>('incident.notifications', (ids) =>
    ctx.hub.get(NotificationsService).forIncidents(principalOf(ctx), ids),
  );

@Resolver(() => Incident)
export class IncidentNotificationsResolver {
  @FieldResolver(() => [Notification], {
    description:
      'Who was told about this incident, why, and whether it reached them (a customer key sees the messages to its own contacts)',
  })
  notifications(@Root() incident: Incident, @Ctx() ctx: HubContext): Promise<Notification[]> {
    return incidentNotificationsLoader(ctx).load(incident.id);
  }
}

@Resolver(() => Notification)
export class NotificationResolver {
  @FieldResolver(() => String, { description: 'The e-mail address, or the host of the IM robot (its URL holds a token)' })
  recipientAddress(@Root() n: Notification): string {
    if (n.channel === NotificationChannel.EMAIL) return n.address;
    try {
      return new URL(n.address).host;
    } catch {
      return '';
    }
  }
}
