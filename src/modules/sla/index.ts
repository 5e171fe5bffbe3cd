import type { HubModule } from '../../platform/hub';
import './sla.enums';

/**
 * The SLA vocabulary and arithmetic (business time, coverage, severity targets, durations, clocks,
 * escalation rules, the contract plan): pure functions and enums, below contracts and incidents.
 * No tables, no resolvers; listed so the layering order names it.
 */
export const slaModule: HubModule = {
  name: 'sla',
  entities: [],
  resolvers: [],
};
