import type { HubModule } from '../platform/hub';
import { customersModule } from './customers';
import { noticesModule } from './notices';

/** Every domain module, in dependency order (seeders run in this order). */
export const modules: HubModule[] = [customersModule, noticesModule];
