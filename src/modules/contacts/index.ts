import type { HubModule } from '../../platform/hub';
import { Contact, ContractEscalationPlan } from './contact.entity';
import { ContactResolver, EscalationPlanResolver } from './contacts.resolver';

export const contactsModule: HubModule = {
  name: 'contacts',
  entities: [Contact, ContractEscalationPlan],
  resolvers: [ContactResolver, EscalationPlanResolver],
};
