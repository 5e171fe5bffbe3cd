import type { HubContext } from '../../platform/graphql/context';
import type { ServiceContract } from './contract.entity';
import { ContractsService } from './contracts.service';

/** Nested `contract` fields (an incident's contract) inherit the parent's authorization, like customer/site/device. */
export const contractLoader = (ctx: HubContext) =>
  ctx.loaders.get<string, ServiceContract>('contract.byId', (ids) => ctx.hub.get(ContractsService).byIds(ids));
