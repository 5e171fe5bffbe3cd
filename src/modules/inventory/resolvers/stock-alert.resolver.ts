import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import { canSee } from '../../../platform/auth/scope';
import type { Connection } from '../../../platform/graphql/connection';
import { HubContext, principalOf } from '../../../platform/graphql/context';
import type { Hub } from '../../../platform/hub';
import { ReplenishmentSuggestion, StockAlert } from '../alert.entity';
import { AlertsService, fromAlertPayload, StockAlertPayload } from '../alerts.service';
import { Depot } from '../depot.entity';
import { STOCK_ALERT_TOPIC } from '../inventory.events';
import { StockAlertFilter, SuggestionFilter } from '../inventory.inputs';
import { depotLoader } from '../inventory.loaders';
import { StockAlertConnection } from '../inventory.types';
import { Part } from '../part.entity';
import { DEPOT_ROLES, partOf, partNumberOf } from './shared';

@Resolver(() => StockAlert)
export class StockAlertResolver {
  private readonly alerts: AlertsService;
  constructor(hub: Hub) {
    this.alerts = hub.get(AlertsService);
  }

  @Authorized(...DEPOT_ROLES)
  @Query(() => StockAlertConnection, { description: 'Depot alerts, newest first' })
  stockAlerts(
    @Ctx() ctx: HubContext,
    @Arg('filter', () => StockAlertFilter, { nullable: true }) filter?: StockAlertFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Connection<StockAlert>> {
    return this.alerts.listAlerts(principalOf(ctx), filter ?? {}, { first, after });
  }

  @Authorized(...DEPOT_ROLES)
  @Query(() => [ReplenishmentSuggestion])
  replenishmentSuggestions(
    @Ctx() ctx: HubContext,
    @Arg('filter', () => SuggestionFilter, { nullable: true }) filter?: SuggestionFilter,
  ): Promise<ReplenishmentSuggestion[]> {
    return this.alerts.listSuggestions(principalOf(ctx), filter ?? {});
  }

  @FieldResolver(() => Part, { nullable: true })
  part(@Root() a: StockAlert, @Ctx() ctx: HubContext) {
    return a.partId ? partOf(ctx, a.partId) : null;
  }

  @FieldResolver(() => String, { nullable: true })
  partNumber(@Root() a: StockAlert, @Ctx() ctx: HubContext) {
    return a.partId ? partNumberOf(ctx, a.partId) : null;
  }

  @FieldResolver(() => Depot)
  depot(@Root() a: StockAlert, @Ctx() ctx: HubContext) {
    return depotLoader(ctx).load(a.depotId);
  }

  @Authorized(...DEPOT_ROLES)
  @Subscription(() => StockAlert, {
    topics: STOCK_ALERT_TOPIC,
    topicId: ({ args }: { args: { depotId: string } }) => args.depotId,
    // Re-checked per event: a WAREHOUSE key naming another depot's id receives nothing.
    filter: ({ payload, context }: { payload: StockAlertPayload; context: HubContext }) => canSee(context.principal, StockAlert, payload),
    description: 'Alerts of one depot as they are raised (low stock, late spares, overdue loaners)',
  })
  stockAlert(@Root() payload: StockAlertPayload, @Arg('depotId', () => ID) _depotId: string): StockAlert {
    return fromAlertPayload(payload);
  }
}
