/**
 * Partners push RMA events over GraphQL (recordRmaEvent, recordRmaEvents): the
 * same pipeline as Kafka, with the key's own centre as the source, on RMAs in
 * the key's scope only.
 */
import { randomUUID } from 'node:crypto';
import { Role } from '../../src/platform/auth/principal';
import { ProcessedEvent } from '../../src/platform/outbox/outbox.entity';
import { RMA_CONSUMER } from '../../src/modules/rma/rma.events';
import { startTestHub, type TestHub } from '../support/hub';
import { createCustomer, createNetwork, deadLetters, partnerKey, registerDevice, type Customer, type Network } from './fixtures';

const RECORD = `mutation($input: RecordRmaEventInput!) { recordRmaEvent(input: $input) { eventId outcome waitingFor rma { number status } } }`;
const RECORD_MANY = `mutation($inputs: [RecordRmaEventInput!]!) {
  recordRmaEvents(inputs: $inputs) { eventId outcome waitingFor errorCode errorMessage rma { number status } }
}`;
const REQUEST = `mutation($input: RequestRmaInput!) { requestRma(input: $input) { number status } }`;
const HISTORY = `query($n: String!) { rma(number: $n) { status validUntil history { type source eventId late } } }`;

describe('partners push RMA events over GraphQL', () => {
  let t: TestHub;
  let net: Network;
  let cust: Customer;
  let shKey: string;

  beforeAll(async () => {
    t = await startTestHub();
    net = await createNetwork(t);
    cust = await createCustomer(t);
    shKey = await partnerKey(t, net.sh);
  });
  afterAll(() => t?.stop());

  const requestFor = async (centreId: string): Promise<string> =>
    (
      await t.ok(REQUEST, {
        input: { deviceSerial: await registerDevice(t, cust.siteId), faultyPartNumbers: ['PSU-750W'], problem: 'PSU failed', centreId },
      })
    ).requestRma.number;
  const claimed = (eventId: string) => t.app.hub.db.manager.countBy(ProcessedEvent, { consumer: RMA_CONSUMER, eventId });
  const historyOf = async (number: string) => (await t.ok(HISTORY, { n: number })).rma;

  it("applies the partner's event to its own RMA once, even when sent twice, with its centre as the source", async () => {
    const number = await requestFor(net.sh.id);
    const input = { rmaNumber: number, type: 'RmaApproved', payload: { validity: 'P14D' }, eventId: randomUUID() };
    const first = await t.gql(RECORD, { input }, shKey);
    expect(first.errors).toBeUndefined();
    expect(first.data!.recordRmaEvent).toMatchObject({ eventId: input.eventId, outcome: 'APPLIED', rma: { number, status: 'APPROVED' } });
    const again = await t.gql(RECORD, { input }, shKey);
    expect(again.data!.recordRmaEvent).toMatchObject({ outcome: 'DUPLICATE', rma: { status: 'APPROVED' } });
    const rma = await historyOf(number);
    const approvals = rma.history.filter((h: { type: string }) => h.type === 'RmaApproved');
    expect(approvals).toEqual([{ type: 'RmaApproved', source: `partner:${net.sh.code}`, eventId: input.eventId, late: false }]);
    expect(rma.validUntil).toBeTruthy();
  });

  it("refuses a sibling centre's RMA with NOT_FOUND and applies nothing", async () => {
    const sibling = await requestFor(net.sz.id);
    const eventId = randomUUID();
    const refused = await t.gql(RECORD, { input: { rmaNumber: sibling, type: 'RmaApproved', payload: {}, eventId } }, shKey);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect(await claimed(eventId)).toBe(0);
    expect((await historyOf(sibling)).history.map((h: { type: string }) => h.type)).toEqual(['RmaCreated']);
    // A number nobody uses is no different, unless the partner raises it (RmaCreated).
    const unknown = await t.gql(RECORD, { input: { rmaNumber: 'NO-SUCH-RMA-1', type: 'RmaApproved', payload: {} } }, shKey);
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    // In a batch, one RMA out of scope refuses the whole batch.
    const own = await requestFor(net.sh.id);
    const ownEventId = randomUUID();
    const batch = await t.gql(
      RECORD_MANY,
      {
        inputs: [
          { rmaNumber: own, type: 'RmaApproved', payload: {}, eventId: ownEventId },
          { rmaNumber: sibling, type: 'RmaApproved', payload: {}, eventId },
        ],
      },
      shKey,
    );
    expect(batch.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect(await claimed(ownEventId)).toBe(0);
    expect((await historyOf(own)).status).toBe('REQUESTED');
  });

  it('applies a batch in one go: held events wait for the state they need, duplicates change nothing, a refused event is dead-lettered', async () => {
    const number = await requestFor(net.sh.id);
    const received = { rmaNumber: number, type: 'DefectiveReceived', payload: {}, eventId: randomUUID() };
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    const rejectedEventId = randomUUID();
    const inputs = [
      { ...received, occurredAt: at(20) },
      { rmaNumber: number, type: 'RmaApproved', payload: {}, occurredAt: at(30) },
      { ...received, occurredAt: at(20) },
      { rmaNumber: number, type: 'RmaRejected', payload: { reason: '' }, eventId: rejectedEventId },
      { rmaNumber: number, type: 'RepairStarted', payload: {}, occurredAt: at(10) },
    ];
    const results = (await t.ok(RECORD_MANY, { inputs }, shKey)).recordRmaEvents;
    expect(results.map((r: { outcome: string }) => r.outcome)).toEqual(['HELD', 'APPLIED', 'DUPLICATE', 'REFUSED', 'APPLIED']);
    expect(results[3]).toMatchObject({ eventId: rejectedEventId, errorCode: 'BAD_USER_INPUT', rma: null });
    expect(results[4].rma).toEqual({ number, status: 'IN_REPAIR' });
    const history = (await historyOf(number)).history.map((h: { type: string }) => h.type);
    expect(history).toEqual(['RmaCreated', 'RmaApproved', 'DefectiveReceived', 'RepairStarted']);
    const letters = (await deadLetters(t)).filter((l) => l.messageKey === number);
    expect(letters.map((l) => [l.eventId, l.topic])).toEqual([[rejectedEventId, 'graphql']]);
  });

  it('refuses more events than a page in one call, naming the argument', async () => {
    const max = t.app.hub.config.graphql.maxPageSize;
    const inputs = Array.from({ length: max + 1 }, () => ({ rmaNumber: 'RMA-2026-000001', type: 'RmaApproved', payload: {} }));
    const result = await t.gql(RECORD_MANY, { inputs });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputs' });
  });

  it('keeps the roles that may not report events out', async () => {
    const number = await requestFor(net.sh.id);
    const customerKey = await t.createKey(Role.CUSTOMER, cust.customerId);
    const result = await t.gql(RECORD, { input: { rmaNumber: number, type: 'RmaApproved', payload: {} } }, customerKey);
    expect(result.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
