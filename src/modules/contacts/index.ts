import type { Hub, HubModule } from '../../platform/hub';
import { IncidentChanges } from '../incidents/incident-changes';
import { Contact, ContractEscalationPlan } from './contact.entity';
import { ContactResolver, EscalationPlanResolver } from './contacts.resolver';
import { ContactsService } from './contacts.service';

export const contactsModule: HubModule = {
  name: 'contacts',
  entities: [Contact, ContractEscalationPlan],
  resolvers: [ContactResolver, EscalationPlanResolver],
  register(hub: Hub) {
    const service = hub.get(ContactsService);
    hub
      .get(IncidentChanges)
      .setChannelResponseTarget(
        async (tx, contractId, channel) => (await service.plan(contractId, tx.em))?.responseByChannel[channel] ?? null,
      );
  },
};
