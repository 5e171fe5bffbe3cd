import type { HubModule } from '../platform/hub';
import { customersModule } from './customers';
import { noticesModule } from './notices';
import { calendarModule } from './calendar';
import { slaModule } from './sla';
import { contractsModule } from './contracts';
import { incidentsModule } from './incidents';
import { inventoryModule } from './inventory';
import { loanersModule } from './loaners';
import { supportNetworkModule } from './support-network';
import { rmaModule } from './rma';
import { inspectionsModule } from './inspections';
import { complaintsModule } from './complaints';
import { satisfactionModule } from './satisfaction';
import { reportsModule } from './reports';
import { dashboardModule } from './dashboard';
import { contactsModule } from './contacts';
import { notificationsModule } from './notifications';
import { escalationStepsModule } from './escalation-steps';
import { connectorsModule } from './connectors';

/** Every domain module, in dependency order (seeders run in this order). */
export const modules: HubModule[] = [
  customersModule,
  noticesModule,
  calendarModule,
  slaModule,
  contractsModule,
  supportNetworkModule,
  incidentsModule,
  inventoryModule,
  loanersModule,
  rmaModule,
  inspectionsModule,
  complaintsModule,
  satisfactionModule,
  reportsModule,
  dashboardModule,
  connectorsModule,
  contactsModule,
  notificationsModule,
  escalationStepsModule,
];
