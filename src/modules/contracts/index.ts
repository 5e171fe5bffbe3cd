import type { HubModule } from '../../platform/hub';
import { ContractAssignment, ServiceContract } from './contract.entity';
import { ContractResolver } from './contracts.resolver';
import { seedContracts } from './contracts.seed';

export const contractsModule: HubModule = {
  name: 'contracts',
  entities: [ServiceContract, ContractAssignment],
  resolvers: [ContractResolver],
  seed: seedContracts,
};
