import type { HubContext } from '../../platform/graphql/context';
import type { SupportCentre } from './support-centre.entity';
import { SupportNetworkService } from './support-network.service';

/** Per-request batch loader other modules use for their nested `centre` fields. */
export const centreLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, SupportCentre>('supportCentre.byId', (ids) => ctx.hub.get(SupportNetworkService).centresByIds(ids));
