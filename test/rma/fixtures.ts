import { randomBytes, randomUUID } from 'node:crypto';
import { Role } from '../../src/platform/auth/principal';
import { makeEnvelope, type EventEnvelope } from '../../src/platform/kafka/event-bus';
import { OutboxMessage } from '../../src/platform/outbox/outbox.entity';
import { DeadLetter } from '../../src/platform/outbox/dead-letter.entity';
import type { TestHub } from '../support/hub';

export interface Network {
  oem: Centre;
  east: Centre;
  north: Centre;
  sh: Centre;
  sz: Centre;
  bj: Centre;
}
export interface Centre {
  id: string;
  code: string;
  source: string;
}

/** A unique-per-run suffix, so suites sharing a broker or a database never see each other's rows. */
export const runId = () => randomBytes(3).toString('hex').toUpperCase();

/** OEM ← East (Shanghai, Suzhou), OEM ← North (Beijing). */
export async function createNetwork(t: TestHub, tag = runId()): Promise<Network> {
  const create = async (code: string, tier: number, parent: Centre | null, region: string): Promise<Centre> => {
    const source = `${code.toLowerCase()}.src`;
    const { createSupportCentre } = await t.ok(
      `mutation($input: CreateSupportCentreInput!) { createSupportCentre(input: $input) { id code kafkaSourceId } }`,
      { input: { code, name: `Centre ${code}`, tier, region, parentId: parent?.id ?? null, kafkaSourceId: source } },
    );
    return { id: createSupportCentre.id, code, source };
  };
  const oem = await create(`T3-OEM-${tag}`, 3, null, 'CN');
  const east = await create(`T2-EAST-${tag}`, 2, oem, 'CN-EAST');
  const north = await create(`T2-NORTH-${tag}`, 2, oem, 'CN-NORTH');
  const sh = await create(`T1-SH-${tag}`, 1, east, 'CN-EAST');
  const sz = await create(`T1-SZ-${tag}`, 1, east, 'CN-EAST');
  const bj = await create(`T1-BJ-${tag}`, 1, north, 'CN-NORTH');
  return { oem, east, north, sh, sz, bj };
}

export interface Customer {
  customerId: string;
  siteId: string;
}

export async function createCustomer(t: TestHub, tag = runId()): Promise<Customer> {
  const { createCustomer } = await t.ok(`mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }`, {
    input: { code: `BANK-${tag}`, name: `Bank ${tag}` },
  });
  const { createSite } = await t.ok(`mutation($input: CreateSiteInput!) { createSite(input: $input) { id } }`, {
    input: { customerId: createCustomer.id, name: 'Primary DC', city: 'Shanghai', region: 'CN-EAST', calendarRegion: 'CN' },
  });
  return { customerId: createCustomer.id, siteId: createSite.id };
}

/** A two-socket server under warranty until next year. */
export async function registerDevice(
  t: TestHub,
  siteId: string,
  serialNumber = `SN-${runId()}`,
  model = 'PowerEdge R740',
): Promise<string> {
  await t.ok(`mutation($input: RegisterDeviceInput!) { registerDevice(input: $input) { id } }`, {
    input: {
      serialNumber,
      vendor: 'Dell',
      model,
      equivalenceClass: '2U-2S-SERVER',
      siteId,
      warrantyStart: new Date(Date.now() - 365 * 86400_000).toISOString(),
      warrantyEnd: new Date(Date.now() + 365 * 86400_000).toISOString(),
    },
  });
  return serialNumber;
}

export function rmaEvent(
  type: string,
  rmaNumber: string,
  source: string,
  occurredAt: Date,
  payload: Record<string, unknown> = {},
  extra: Partial<EventEnvelope> = {},
): EventEnvelope {
  return makeEnvelope({ eventId: randomUUID(), type, key: rmaNumber, source, occurredAt: occurredAt.toISOString(), payload, ...extra });
}

export const minutes = (base: Date, n: number) => new Date(base.getTime() + n * 60_000);

/**
 * A complete repair told only by the centres: the partner raises it and
 * escalates to the regional centre, which approves, receives, repairs (projecting
 * a long repair, so a loaner is owed and delivered) and the partner returns it.
 */
export function repairStory(rmaNumber: string, serialNumber: string, net: Network, t0: Date): EventEnvelope[] {
  return [
    rmaEvent('RmaCreated', rmaNumber, net.sh.source, minutes(t0, 0), {
      serialNumber,
      faultyPartNumbers: ['PSU-750W'],
      problem: 'PSU 1 failed',
      outOfServiceAt: minutes(t0, 0).toISOString(),
    }),
    rmaEvent('RmaApproved', rmaNumber, net.east.source, minutes(t0, 1), { validity: 'P30D' }),
    rmaEvent('RmaEscalated', rmaNumber, net.sh.source, minutes(t0, 2), { toCentreCode: net.east.code, reason: 'board-level repair' }),
    rmaEvent('DefectiveReceived', rmaNumber, net.east.source, minutes(t0, 10)),
    rmaEvent('RepairStarted', rmaNumber, net.east.source, minutes(t0, 20), {
      estimatedCompletionAt: new Date(t0.getTime() + 20 * 86400_000).toISOString(),
    }),
    rmaEvent('LoanerDelivered', rmaNumber, net.east.source, minutes(t0, 30), { loanerSerialNumber: 'LN-0001' }),
    rmaEvent('RepairCompleted', rmaNumber, net.east.source, minutes(t0, 40), {
      partsUsed: [{ partNumber: 'PSU-750W', condition: 'NEW', source: 'ORIGINAL_MANUFACTURER' }],
    }),
    rmaEvent('UnitReturned', rmaNumber, net.sh.source, minutes(t0, 50)),
  ];
}

export const RMA_FIELDS = `
  id number status disposition dispositionReason centreId originCentreId serialNumber
  loanerRequired loanerBasis loanerCompliance loanerDeadline loanerDueAt loanerDeliveredAt
  serviceRestoredAt validUntil statusChangedAt referenceRmaId
  history { type fromStatus toStatus late source eventId }
`;

export async function getRma(t: TestHub, number: string, key?: string) {
  const result = await t.gql(`query($n: String!) { rma(number: $n) { ${RMA_FIELDS} } }`, { n: number }, key);
  return result;
}

export async function outbox(t: TestHub, key?: string): Promise<Array<{ type: string; key: string; eventId: string; payload: any }>> {
  const rows = await t.app.hub.db.manager.find(OutboxMessage, { order: { seq: 'ASC' } });
  return rows
    .filter((r) => r.topic === t.app.hub.config.kafka.topics.hubEvents && (!key || r.messageKey === key))
    .map((r) => ({ type: r.type, key: r.messageKey, eventId: r.eventId, payload: (JSON.parse(r.envelope) as EventEnvelope).payload }));
}

export async function deadLetters(t: TestHub): Promise<DeadLetter[]> {
  return t.app.hub.db.manager.find(DeadLetter, { order: { receivedAt: 'ASC' } });
}

export const partnerKey = (t: TestHub, centre: Centre) => t.createKey(Role.PARTNER, centre.id);
