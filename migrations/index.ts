import { Platform1763700000000 } from './1763700000000-Platform';
import { Customers1763700001000 } from './1763700001000-Customers';
import { Incidents1763700002000 } from './1763700002000-Incidents';
import { InventoryLoaners1763700003000 } from './1763700003000-InventoryLoaners';
import { SupportNetworkRma1763700004000 } from './1763700004000-SupportNetworkRma';
import { Inspections1763700005000 } from './1763700005000-Inspections';
import { Complaints1763700005100 } from './1763700005100-Complaints';
import { Satisfaction1763700005200 } from './1763700005200-Satisfaction';
import { ApiKeyExpiry1763820000000 } from './1763820000000-ApiKeyExpiry';
import { AlertConnectors1763840000000 } from './1763840000000-AlertConnectors';
import { Webhooks1763840001000 } from './1763840001000-Webhooks';
import { Contacts1763850000000 } from './1763850000000-Contacts';
import { Notifications1763850001000 } from './1763850001000-Notifications';
import { RmaCalendarIncomplete1763860000000 } from './1763860000000-RmaCalendarIncomplete';
import { ItsmConnectors1763870000000 } from './1763870000000-ItsmConnectors';
import { RmaScopeIndexes1763880000000 } from './1763880000000-RmaScopeIndexes';

/** Applied in this order on both dialects; append new migrations, never edit applied ones. */
export const migrations = [
  Platform1763700000000,
  Customers1763700001000,
  Incidents1763700002000,
  InventoryLoaners1763700003000,
  SupportNetworkRma1763700004000,
  Inspections1763700005000,
  Complaints1763700005100,
  Satisfaction1763700005200,
  ApiKeyExpiry1763820000000,
  AlertConnectors1763840000000,
  Webhooks1763840001000,
  Contacts1763850000000,
  Notifications1763850001000,
  RmaCalendarIncomplete1763860000000,
  ItsmConnectors1763870000000,
  RmaScopeIndexes1763880000000,
];
