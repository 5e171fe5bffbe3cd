import type { HubModule } from '../../platform/hub';
import { CentreEscalation, SupportCentre } from './support-centre.entity';
import { SupportCentreResolver } from './support-network.resolver';
import { seedSupportNetwork } from './support-network.seed';
import { SupportNetworkService } from './support-network.service';

/**
 * Visibility decision: a PARTNER key scoped to a centre sees that centre and
 * every centre below it (a regional centre sees its local partners' work, the
 * OEM sees everything), never its parent or siblings.
 */
export const supportNetworkModule: HubModule = {
  name: 'support-network',
  entities: [SupportCentre, CentreEscalation],
  resolvers: [SupportCentreResolver],
  register(hub) {
    const service = hub.get(SupportNetworkService);
    hub.apiKeys.addScopeExpander((role, scopeId) => service.expandPartnerScope(role, scopeId));
  },
  seed: seedSupportNetwork,
};

export { SupportCentre, CentreEscalation } from './support-centre.entity';
export { SupportNetworkService } from './support-network.service';
export { centreLoader } from './support-network.loaders';
