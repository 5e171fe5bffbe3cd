import type { HubModule } from '../../platform/hub';
import { Customer, Device, Site } from './customer.entity';
import { CustomerResolver, DeviceResolver, SiteResolver } from './customers.resolver';
import { seedCustomers } from './customers.seed';

export const customersModule: HubModule = {
  name: 'customers',
  entities: [Customer, Site, Device],
  resolvers: [CustomerResolver, SiteResolver, DeviceResolver],
  seed: seedCustomers,
};
