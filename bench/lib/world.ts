/**
 * Set-up through the hub's own API (so the template rows are exactly what the
 * hub writes), and helpers to clone template rows in bulk.
 */
import { randomUUID } from 'node:crypto';
import { ok } from './gql';

export interface Centre {
  id: string;
  code: string;
  source: string;
}
export interface Network {
  oem: Centre;
  east: Centre;
  partners: Centre[];
}

/** OEM (tier 3) ← EAST (tier 2) ← partners P1..Pn (tier 1). */
export async function createNetwork(url: string, key: string, partners = 4, tag = 'B'): Promise<Network> {
  const create = async (code: string, tier: number, parent: Centre | null, region: string): Promise<Centre> => {
    const source = `${code.toLowerCase()}.bench`;
    const r = await ok(url, key, `mutation($i: CreateSupportCentreInput!) { createSupportCentre(input: $i) { id } }`, {
      i: { code, name: `Centre ${code}`, tier, region, parentId: parent?.id ?? null, kafkaSourceId: source },
    });
    return { id: r.createSupportCentre.id, code, source };
  };
  const oem = await create(`T3-OEM-${tag}`, 3, null, 'CN');
  const east = await create(`T2-EAST-${tag}`, 2, oem, 'CN-EAST');
  const list: Centre[] = [];
  for (let i = 1; i <= partners; i++) list.push(await create(`T1-P${i}-${tag}`, 1, east, 'CN-EAST'));
  return { oem, east, partners: list };
}

export interface CustomerWorld {
  customerId: string;
  siteId: string;
  deviceId: string;
  serial: string;
  contractId: string;
}

/** 7x24 plan; `response` is the P1-P4 response target (the other clocks are hours away). */
export function plan(response: string) {
  return ['P1', 'P2', 'P3', 'P4'].map((severity) => ({
    severity,
    response,
    onSite: { urban: 'PT8H', suburban: 'PT8H', remote: 'PT8H' },
    restore: 'P1D',
  }));
}

/** A customer with one site, one device under warranty and a 7x24 contract covering it. */
export async function createCustomerWorld(url: string, key: string, code: string, responseTarget = 'PT4H'): Promise<CustomerWorld> {
  const c = await ok(url, key, `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }`, {
    i: { code, name: `Customer ${code}` },
  });
  const customerId = c.createCustomer.id as string;
  const s = await ok(url, key, `mutation($i: CreateSiteInput!) { createSite(input: $i) { id } }`, {
    i: { customerId, name: `${code} main DC`, city: 'Shanghai', region: 'CN-EAST', calendarRegion: 'CN' },
  });
  const siteId = s.createSite.id as string;
  const serial = `SN-${code}-T`;
  const d = await ok(url, key, `mutation($i: RegisterDeviceInput!) { registerDevice(input: $i) { id } }`, {
    i: {
      serialNumber: serial,
      vendor: 'Dell',
      model: 'PowerEdge R750',
      equivalenceClass: '2U-2S-SERVER',
      siteId,
      warrantyStart: new Date(Date.now() - 365 * 86400_000).toISOString(),
      warrantyEnd: new Date(Date.now() + 3 * 365 * 86400_000).toISOString(),
    },
  });
  const k = await ok(url, key, `mutation($i: CreateContractInput!) { createContract(input: $i) { id } }`, {
    i: {
      code: `C-${code}`,
      name: `Plan ${code}`,
      kind: 'POST_WARRANTY',
      customerId,
      coverage: { type: 'SEVEN_BY_24', windows: [] },
      targets: plan(responseTarget),
      emergencyProgressInterval: 'PT1H',
    },
  });
  const contractId = k.createContract.id as string;
  await ok(url, key, `mutation($c: ID!, $cu: ID) { assignContract(contractId: $c, customerId: $cu) { id } }`, {
    c: contractId,
    cu: customerId,
  });
  return { customerId, siteId, deviceId: d.registerDevice.id, serial, contractId };
}

/** A copy of a row read back from the database, with new values for some columns. */
export function clone<T extends Record<string, unknown>>(template: T, overrides: Partial<T> & Record<string, unknown>): T {
  return { ...template, ...overrides };
}

export const uuid = () => randomUUID();

/** Deterministic pseudo-random numbers (mulberry32), so a run's data is reproducible. */
export function rng(seed = 42) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
