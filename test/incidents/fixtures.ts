import { Role } from '../../src/platform/auth/principal';
import type { TestHub } from '../support/hub';

/** Targets per severity: [response, onSite urban/suburban/remote | null, restore]. */
type Plan = Record<'P1' | 'P2' | 'P3' | 'P4', [string, [string, string, string] | null, string]>;

export const STANDARD_5X8: Plan = {
  P1: ['PT30M', ['PT4H', 'PT8H', 'P1D'], 'PT4H'],
  P2: ['PT2H', ['P1D', 'P1D', 'P1D'], 'P1D'],
  P3: ['PT4H', ['P2D', 'P2D', 'P2D'], 'P2D'],
  P4: ['P1D', null, 'P5D'],
};

export const PREMIUM_7X24: Plan = {
  P1: ['PT30M', ['PT2H', 'PT4H', 'PT8H'], 'PT4H'],
  P2: ['PT1H', ['PT4H', 'PT6H', 'PT12H'], 'PT8H'],
  P3: ['PT2H', ['PT8H', 'PT12H', 'P1D'], 'P1D'],
  P4: ['PT4H', null, 'P3D'],
};

/** Seconds-scale response targets for scheduler tests; the other clocks are far away. */
export const FAST_7X24: Plan = {
  P1: ['PT2S', ['PT1H', 'PT1H', 'PT1H'], 'PT30M'],
  P2: ['PT2S', ['PT1H', 'PT1H', 'PT1H'], 'PT40M'],
  P3: ['PT2S', ['PT1H', 'PT1H', 'PT1H'], 'PT50M'],
  P4: ['PT2S', ['PT1H', 'PT1H', 'PT1H'], 'PT1H'],
};

/** Nothing due for an hour: for lifecycle and isolation tests that must not be disturbed by escalations. */
export const CALM_7X24: Plan = {
  P1: ['PT1H', ['PT2H', 'PT2H', 'PT2H'], 'PT4H'],
  P2: ['PT1H', ['PT2H', 'PT2H', 'PT2H'], 'PT4H'],
  P3: ['PT1H', ['PT2H', 'PT2H', 'PT2H'], 'PT4H'],
  P4: ['PT1H', ['PT2H', 'PT2H', 'PT2H'], 'PT4H'],
};

export function targetsInput(plan: Plan) {
  return (Object.keys(plan) as Array<keyof Plan>).map((severity) => {
    const [response, onSite, restore] = plan[severity];
    return {
      severity,
      response,
      restore,
      ...(onSite ? { onSite: { urban: onSite[0], suburban: onSite[1], remote: onSite[2] } } : {}),
    };
  });
}

export interface World {
  customerA: string;
  customerB: string;
  siteA: string;
  siteASuburban: string;
  siteARemote: string;
  siteB: string;
  deviceA1: { id: string; serial: string };
  deviceA2: { id: string; serial: string };
  deviceB1: { id: string; serial: string };
  keyA: string;
  keyB: string;
}

let counter = 0;
const unique = () => `${Date.now().toString(36).toUpperCase()}${(counter++).toString(36).toUpperCase()}`;

/** Two customers with sites (urban, suburban, remote) and devices, plus CUSTOMER keys for both. */
export async function createWorld(t: TestHub): Promise<World> {
  const tag = unique();
  const customer = async (code: string) =>
    (await t.ok(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }`, { i: { code, name: `Customer ${code}` } }))
      .createCustomer.id as string;
  const customerA = await customer(`A-${tag}`);
  const customerB = await customer(`B-${tag}`);
  const site = async (customerId: string, name: string, distanceClass: string) =>
    (
      await t.ok(`mutation($i: CreateSiteInput!) { createSite(input: $i) { id } }`, {
        i: { customerId, name, city: 'Shanghai', region: 'CN-EAST', distanceClass },
      })
    ).createSite.id as string;
  const siteA = await site(customerA, 'A main DC', 'URBAN');
  const siteASuburban = await site(customerA, 'A DR site', 'SUBURBAN');
  const siteARemote = await site(customerA, 'A edge room', 'REMOTE');
  const siteB = await site(customerB, 'B main DC', 'URBAN');
  const device = async (siteId: string, serial: string) => {
    const r = await t.ok(`mutation($i: RegisterDeviceInput!) { registerDevice(input: $i) { id serialNumber } }`, {
      i: { serialNumber: serial, vendor: 'Dell', model: 'PowerEdge R750', siteId },
    });
    return { id: r.registerDevice.id as string, serial: r.registerDevice.serialNumber as string };
  };
  const deviceA1 = await device(siteA, `SN-A1-${tag}`);
  const deviceA2 = await device(siteARemote, `SN-A2-${tag}`);
  const deviceB1 = await device(siteB, `SN-B1-${tag}`);
  return {
    customerA,
    customerB,
    siteA,
    siteASuburban,
    siteARemote,
    siteB,
    deviceA1,
    deviceA2,
    deviceB1,
    keyA: await t.createKey(Role.CUSTOMER, customerA),
    keyB: await t.createKey(Role.CUSTOMER, customerB),
  };
}

export async function createContract(
  t: TestHub,
  options: {
    plan: Plan;
    coverage?: 'SEVEN_BY_24' | 'BUSINESS_HOURS';
    calendarRegion?: string;
    progressInterval?: string;
    customerId?: string;
    kind?: 'WARRANTY' | 'POST_WARRANTY';
    escalationPolicy?: unknown;
  },
): Promise<string> {
  const r = await t.ok(`mutation($i: CreateContractInput!) { createContract(input: $i) { id } }`, {
    i: {
      code: `C-${unique()}`,
      name: 'Test plan',
      kind: options.kind ?? 'POST_WARRANTY',
      customerId: options.customerId,
      coverage:
        options.coverage === 'BUSINESS_HOURS'
          ? { type: 'BUSINESS_HOURS', windows: [{ start: '08:30', end: '17:30' }] }
          : { type: 'SEVEN_BY_24', windows: [] },
      calendarRegion: options.calendarRegion,
      targets: targetsInput(options.plan),
      emergencyProgressInterval: options.progressInterval ?? 'PT1H',
      ...(options.escalationPolicy ? { escalationPolicy: options.escalationPolicy } : {}),
    },
  });
  return r.createContract.id as string;
}

export async function assignToCustomer(t: TestHub, contractId: string, customerId: string): Promise<void> {
  await t.ok(`mutation($c: ID!, $cu: ID) { assignContract(contractId: $c, customerId: $cu) { id } }`, { c: contractId, cu: customerId });
}

export const INCIDENT_FIELDS = `
  id status severity managementLevel supportTier customerId siteId deviceId contractId breached calendarIncomplete
  emergencyActive nextProgressDueAt nextDueAt reportedAt externalRef
  clocks { kind state target budgetMs startedAt dueAt met breached paused usedMs remainingMs warning calendarIncomplete pauses { from to reason } }
`;

export async function report(t: TestHub, input: Record<string, unknown>, key?: string): Promise<Record<string, any>> {
  const r = await t.ok(
    `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { ${INCIDENT_FIELDS} } }`,
    {
      i: { channel: 'API', summary: 'Disk failure', severity: 'P3', ...input },
    },
    key,
  );
  return r.reportIncident;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const clockOf = (incident: Record<string, any>, kind: string) =>
  (incident.clocks as Array<Record<string, any>>).find((c) => c.kind === kind)!;
