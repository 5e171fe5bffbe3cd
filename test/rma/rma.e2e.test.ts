import { Role } from '../../src/platform/auth/principal';
import type { InProcessEventBus } from '../../src/platform/kafka/in-process-event-bus';
import { ScheduledJob } from '../../src/platform/scheduler/scheduled-job.entity';
import { CalendarService } from '../../src/modules/calendar/calendar.service';
import { RmaSettings } from '../../src/modules/rma/rma.settings';
import { collect, eventually, startTestHub, type TestHub } from '../support/hub';
import {
  createCustomer,
  createNetwork,
  deadLetters,
  getRma,
  minutes,
  outbox,
  partnerKey,
  registerDevice,
  repairStory,
  rmaEvent,
  runId,
  type Customer,
  type Network,
} from './fixtures';

const RECORD = `mutation($input: RecordRmaEventInput!) { recordRmaEvent(input: $input) { outcome waitingFor rma { number status } } }`;
const REQUEST = `mutation($input: RequestRmaInput!) { requestRma(input: $input) { number status disposition referenceRmaId loanerDeadline centreId } }`;

describe('RMA over GraphQL (in-process bus)', () => {
  let t: TestHub;
  let net: Network;
  let cust: Customer;

  beforeAll(async () => {
    t = await startTestHub();
    net = await createNetwork(t);
    cust = await createCustomer(t);
  });
  afterAll(() => t?.stop());

  const request = async (serial: string, extra: Record<string, unknown> = {}) =>
    (
      await t.ok(REQUEST, {
        input: { deviceSerial: serial, faultyPartNumbers: ['PSU-750W'], problem: 'PSU failed', centreId: net.sh.id, ...extra },
      })
    ).requestRma;
  const record = (rmaNumber: string, type: string, payload: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
    t.gql(RECORD, { input: { rmaNumber, type, payload, ...extra } });
  const recordOk = async (rmaNumber: string, type: string, payload: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => {
    const result = await record(rmaNumber, type, payload, extra);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!.recordRmaEvent;
  };

  describe('support network', () => {
    it('enforces the tier structure', async () => {
      const create = (input: Record<string, unknown>) =>
        t.gql(`mutation($input: CreateSupportCentreInput!) { createSupportCentre(input: $input) { id } }`, {
          input: { name: 'x', region: 'CN', ...input },
        });
      expect((await create({ code: `X1-${runId()}`, tier: 1 })).errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'PARENT_REQUIRED',
      });
      expect((await create({ code: `X2-${runId()}`, tier: 2, parentId: net.sh.id })).errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'PARENT_NOT_HIGHER_TIER',
      });
      expect((await create({ code: `X3-${runId()}`, tier: 3, parentId: net.oem.id })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect((await create({ code: net.sh.code, tier: 1, parentId: net.east.id })).errors?.[0].extensions?.code).toBe('CONFLICT');
      expect(
        (await create({ code: `X4-${runId()}`, tier: 1, parentId: net.east.id, kafkaSourceId: net.sh.source })).errors?.[0].extensions
          ?.code,
      ).toBe('CONFLICT');
    });

    it('lets a PARTNER key see its centre and the centres below it, never above or beside', async () => {
      const eastKey = await partnerKey(t, net.east);
      const shKey = await partnerKey(t, net.sh);
      const east = await t.ok<{ supportCentres: { id: string; children: { id: string }[] }[] }>(
        `{ supportCentres { id children { id } } }`,
        {},
        eastKey,
      );
      expect(east.supportCentres.map((c) => c.id).sort()).toEqual([net.east.id, net.sh.id, net.sz.id].sort());
      const sh = await t.ok<{ supportCentres: { id: string; parent: { id: string } }[] }>(
        `{ supportCentres { id parent { id } } }`,
        {},
        shKey,
      );
      expect(sh.supportCentres.map((c) => c.id)).toEqual([net.sh.id]);
      expect(sh.supportCentres[0].parent.id).toBe(net.east.id);
      expect(
        (await t.gql(`query($id: ID!) { supportCentre(id: $id) { id } }`, { id: net.east.id }, shKey)).errors?.[0].extensions?.code,
      ).toBe('NOT_FOUND');
      const me = await t.ok<{ me: { visibleScopeIds: string[] } }>(`{ me { visibleScopeIds } }`, {}, eastKey);
      expect(me.me.visibleScopeIds.sort()).toEqual([net.east.id, net.sh.id, net.sz.id].sort());
    });
  });

  it('requestRma issues a sequential number, asks the centre (RmaRequested) and starts the loaner clock', async () => {
    const serial = await registerDevice(t, cust.siteId);
    const a = await request(serial);
    const b = await request(await registerDevice(t, cust.siteId));
    expect(a.number).toMatch(/^RMA-\d{4}-\d{6}$/);
    expect(Number(b.number.slice(-6))).toBe(Number(a.number.slice(-6)) + 1);
    expect(a).toMatchObject({ status: 'REQUESTED', disposition: 'REPAIR', centreId: net.sh.id });
    expect(a.loanerDeadline).toBeTruthy();
    const [requested] = await outbox(t, a.number);
    expect(requested).toMatchObject({ type: 'RmaRequested', key: a.number });
    expect(requested.payload).toMatchObject({
      rmaNumber: a.number,
      centreCode: net.sh.code,
      serialNumber: serial,
      model: 'PowerEdge R740',
      disposition: 'REPAIR',
    });
    const jobs = await t.app.hub.db.manager.find(ScheduledJob, { where: { kind: 'rma.loaner-deadline', status: 'PENDING' } });
    expect(jobs.some((j) => (j.payload as { number: string }).number === a.number)).toBe(true);
  });

  it('refuses an outOfServiceAt beyond the clock-skew tolerance, naming the field, and stores nothing', async () => {
    const serial = await registerDevice(t, cust.siteId);
    const weeksAhead = new Date(Date.now() + 21 * 86400_000).toISOString();
    const refused = await t.gql(REQUEST, {
      input: {
        deviceSerial: serial,
        faultyPartNumbers: ['PSU-750W'],
        problem: 'PSU failed',
        centreId: net.sh.id,
        outOfServiceAt: weeksAhead,
      },
    });
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'outOfServiceAt' });
    const { rmas } = await t.ok(`query($s: String!) { rmas(filter: { serial: $s }) { totalCount } }`, { s: serial });
    expect(rmas.totalCount).toBe(0);
    // A client clock a minute ahead is tolerated, as for reportIncident's occurredAt.
    expect((await request(serial, { outOfServiceAt: new Date(Date.now() + 60_000).toISOString() })).status).toBe('REQUESTED');
  });

  it('counts applied, duplicate, held and refused events in hub_events_consumed_total', async () => {
    const consumed = async (outcome: string) => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`hub_events_consumed_total{topic="graphql",outcome="${outcome}"}`));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const before = {
      applied: await consumed('applied'),
      duplicate: await consumed('duplicate'),
      held: await consumed('held'),
      refused: await consumed('refused'),
    };
    const { number } = await request(await registerDevice(t, cust.siteId));
    const approval = { eventId: `metrics-${runId()}` };
    expect((await recordOk(number, 'RmaApproved', {}, approval)).outcome).toBe('APPLIED');
    expect((await recordOk(number, 'RmaApproved', {}, approval)).outcome).toBe('DUPLICATE');
    expect((await recordOk(number, 'RepairStarted')).outcome).toBe('HELD');
    expect((await record(number, 'RmaRejected', { reason: '' })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await consumed('applied')).toBe(before.applied + 1);
    expect(await consumed('duplicate')).toBe(before.duplicate + 1);
    expect(await consumed('held')).toBe(before.held + 1);
    expect(await consumed('refused')).toBe(before.refused + 1);
  });

  it('numbers concurrent requests uniquely', async () => {
    const serials = await Promise.all(Array.from({ length: 8 }, () => registerDevice(t, cust.siteId)));
    const numbers = await Promise.all(serials.map(async (s) => (await request(s)).number));
    expect(new Set(numbers).size).toBe(8);
  });

  it('runs the full story through recordRmaEvent, with a timeline per RMA', async () => {
    const serial = await registerDevice(t, cust.siteId);
    const { number } = await request(serial);
    await t.ok(`mutation($n: String!) { approveRma(number: $n, input: { validity: "P14D" }) { status validUntil } }`, { n: number });
    for (const [type, payload] of [
      ['DefectiveReceived', {}],
      ['RepairStarted', {}],
      ['RepairCompleted', { partsUsed: [{ partNumber: 'PSU-750W', condition: 'NEW', source: 'ORIGINAL_MANUFACTURER' }] }],
      ['UnitReturned', {}],
    ] as const) {
      expect((await recordOk(number, type, payload)).outcome).toBe('APPLIED');
    }
    const { data } = await getRma(t, number);
    expect(data!.rma).toMatchObject({ status: 'RETURNED_TO_CUSTOMER', loanerRequired: false, loanerCompliance: 'NOT_REQUIRED' });
    expect(data!.rma.history.map((h: { toStatus: string }) => h.toStatus)).toEqual([
      'REQUESTED',
      'APPROVED',
      'RECEIVED',
      'IN_REPAIR',
      'REPAIRED',
      'RETURNED_TO_CUSTOMER',
    ]);
    const parts = await t.ok(`query($n: String!) { rma(number: $n) { parts { kind partNumber condition source waiverApplied } } }`, {
      n: number,
    });
    expect(parts.rma.parts).toEqual([
      { kind: 'FAULTY', partNumber: 'PSU-750W', condition: null, source: null, waiverApplied: false },
      { kind: 'REPLACEMENT', partNumber: 'PSU-750W', condition: 'NEW', source: 'ORIGINAL_MANUFACTURER', waiverApplied: false },
    ]);
    // Closed: its deadline jobs are gone.
    const pending = await t.app.hub.db.manager.find(ScheduledJob, { where: { status: 'PENDING' } });
    expect(pending.filter((j) => (j.payload as { number?: string }).number === number)).toEqual([]);
  });

  it('holds an event that arrives before the state it needs, and applies it once it can', async () => {
    const { number } = await request(await registerDevice(t, cust.siteId));
    const held = await recordOk(number, 'DefectiveReceived');
    expect(held).toMatchObject({ outcome: 'HELD', waitingFor: 'APPROVED or AWAITING_DEFECTIVE_RETURN', rma: { status: 'REQUESTED' } });
    await t.ok(`mutation($n: String!) { approveRma(number: $n) { status } }`, { n: number });
    const { data } = await getRma(t, number);
    expect(data!.rma.status).toBe('RECEIVED');
    expect(data!.rma.history.map((h: { type: string }) => h.type)).toEqual(['RmaCreated', 'RmaApproved', 'DefectiveReceived']);
  });

  it('applies an eventId once, and refuses what contradicts the state with INVALID_TRANSITION', async () => {
    const { number } = await request(await registerDevice(t, cust.siteId));
    const eventId = `op-${runId()}`;
    expect((await recordOk(number, 'RmaApproved', {}, { eventId })).outcome).toBe('APPLIED');
    expect((await recordOk(number, 'RmaApproved', {}, { eventId })).outcome).toBe('DUPLICATE');
    const again = await record(number, 'RmaApproved');
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'INVALID_TRANSITION', reason: 'INVALID_TRANSITION' });
    const bad = await record(number, 'RepairStarted', { estimatedCompletionAt: 'tomorrow' });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].message).toMatch(/estimatedCompletionAt/);
    const { data } = await getRma(t, number);
    expect(data!.rma.history).toHaveLength(2);
  });

  it('records a skipped optional step reported late without moving the status back', async () => {
    const { number } = await request(await registerDevice(t, cust.siteId));
    const t0 = new Date();
    await recordOk(number, 'RmaApproved', {}, { occurredAt: minutes(t0, 1) });
    await recordOk(number, 'DefectiveReceived', {}, { occurredAt: minutes(t0, 3) });
    const late = await recordOk(
      number,
      'AdvanceReplacementShipped',
      { replacementSerialNumber: 'SN-NEW-1' },
      { occurredAt: minutes(t0, 2) },
    );
    expect(late).toMatchObject({ outcome: 'RECORDED_LATE', rma: { status: 'RECEIVED' } });
    const { data } = await getRma(t, number);
    expect(data!.rma.serviceRestoredAt).toBe(minutes(t0, 2).toISOString());
    expect(data!.rma.history.find((h: { type: string }) => h.type === 'AdvanceReplacementShipped').late).toBe(true);
  });

  it('settles an advance replacement into AWAITING_DEFECTIVE_RETURN and stops the repair clock', async () => {
    const { number } = await request(await registerDevice(t, cust.siteId));
    await recordOk(number, 'RmaApproved');
    await recordOk(number, 'AdvanceReplacementShipped', { carrier: 'SF Express', trackingNumber: 'SF123' });
    const { data } = await getRma(t, number);
    expect(data!.rma.status).toBe('AWAITING_DEFECTIVE_RETURN');
    expect(data!.rma.history.slice(-2).map((h: { toStatus: string }) => h.toStatus)).toEqual([
      'ADVANCE_REPLACEMENT_SHIPPED',
      'AWAITING_DEFECTIVE_RETURN',
    ]);
    expect(data!.rma.serviceRestoredAt).toBeTruthy();
    const jobs = await t.app.hub.db.manager.find(ScheduledJob, { where: { kind: 'rma.loaner-deadline', status: 'PENDING' } });
    expect(jobs.some((j) => (j.payload as { number: string }).number === number)).toBe(false);
  });

  describe('parts rule', () => {
    const PART = `mutation($input: RecordReplacementPartInput!) { recordReplacementPart(input: $input) { partNumber condition source waiverApplied } }`;

    it('refuses refurbished or third-party parts with PARTS_POLICY_VIOLATION until the written waiver is recorded', async () => {
      const { number } = await request(await registerDevice(t, cust.siteId));
      await recordOk(number, 'RmaApproved');
      await recordOk(number, 'DefectiveReceived');
      await recordOk(number, 'RepairStarted');
      const refurbished = await t.gql(PART, {
        input: { rmaNumber: number, partNumber: 'DIMM-32G', condition: 'REFURBISHED', source: 'ORIGINAL_MANUFACTURER' },
      });
      expect(refurbished.errors?.[0].extensions).toMatchObject({ code: 'PARTS_POLICY_VIOLATION', violations: ['NOT_NEW'] });
      const thirdParty = await record(number, 'RepairCompleted', {
        partsUsed: [{ partNumber: 'DIMM-32G', condition: 'NEW', source: 'THIRD_PARTY' }],
      });
      expect(thirdParty.errors?.[0].extensions).toMatchObject({
        code: 'PARTS_POLICY_VIOLATION',
        violations: ['NOT_ORIGINAL_MANUFACTURER'],
      });
      expect((await getRma(t, number)).data!.rma.status).toBe('IN_REPAIR');

      const ok = await t.ok(PART, {
        input: { rmaNumber: number, partNumber: 'DIMM-32G', condition: 'NEW', source: 'ORIGINAL_MANUFACTURER' },
      });
      expect(ok.recordReplacementPart.waiverApplied).toBe(false);

      const waiver = await t.ok(
        `mutation($input: RecordPartsWaiverInput!) { recordPartsWaiver(input: $input) { partsWaiverReference partsWaiverSignedBy } }`,
        { input: { rmaNumber: number, reference: 'WAIVER-2026-17', signedBy: 'Li Wei, IT director' } },
      );
      expect(waiver.recordPartsWaiver.partsWaiverReference).toBe('WAIVER-2026-17');
      const waived = await t.ok(PART, {
        input: { rmaNumber: number, partNumber: 'DIMM-32G', condition: 'REFURBISHED', source: 'THIRD_PARTY' },
      });
      expect(waived.recordReplacementPart).toMatchObject({ condition: 'REFURBISHED', source: 'THIRD_PARTY', waiverApplied: true });
      const history = (await getRma(t, number)).data!.rma.history.map((h: { type: string }) => h.type);
      expect(history).toEqual(expect.arrayContaining(['PartsWaiverRecorded', 'PartRecorded']));
    });

    it('refuses parts on an RMA not yet approved', async () => {
      const { number } = await request(await registerDevice(t, cust.siteId));
      const early = await t.gql(PART, { input: { rmaNumber: number, partNumber: 'X', condition: 'NEW', source: 'ORIGINAL_MANUFACTURER' } });
      expect(early.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
    });
  });

  it('second failure of a serial within warranty: REPLACE_WITH_NEW referencing the earlier RMA, repair refused', async () => {
    const serial = await registerDevice(t, cust.siteId);
    const first = await request(serial, { outOfServiceAt: new Date(Date.now() - 2 * 86400_000).toISOString() });
    await recordOk(first.number, 'RmaApproved');
    const second = await request(serial);
    expect(second).toMatchObject({ disposition: 'REPLACE_WITH_NEW' });
    const { rma } = await t.ok(`query($n: String!) { rma(number: $n) { dispositionReason referenceRma { number } } }`, {
      n: second.number,
    });
    expect(rma).toEqual({ dispositionReason: 'SECOND_QUALIFYING_FAILURE_IN_WARRANTY', referenceRma: { number: first.number } });
    expect((await outbox(t, second.number))[0].payload).toMatchObject({
      disposition: 'REPLACE_WITH_NEW',
      referenceRmaNumber: first.number,
    });

    await recordOk(second.number, 'RmaApproved');
    await recordOk(second.number, 'DefectiveReceived');
    const repair = await record(second.number, 'RepairStarted');
    expect(repair.errors?.[0].extensions).toMatchObject({ code: 'INVALID_TRANSITION', reason: 'POLICY' });
    const refurbishedUnit = await record(second.number, 'UnitReplaced', { newSerialNumber: 'SN-NEW-2', condition: 'REFURBISHED' });
    expect(refurbishedUnit.errors?.[0].extensions?.code).toBe('PARTS_POLICY_VIOLATION');
    expect((await recordOk(second.number, 'UnitReplaced', { newSerialNumber: 'SN-NEW-2' })).rma.status).toBe('REPLACED');

    // A rejected earlier RMA is no qualifying failure.
    const other = await registerDevice(t, cust.siteId);
    const rejected = await request(other, { outOfServiceAt: new Date(Date.now() - 2 * 86400_000).toISOString() });
    await recordOk(rejected.number, 'RmaRejected', { reason: 'no fault found' });
    expect((await request(other)).disposition).toBe('REPAIR');

    const history = await t.ok(
      `query($s: String!) { rmaHistoryBySerial(serial: $s) { serialNumber rmas { number } events { rmaNumber type } } }`,
      { s: serial },
    );
    expect(history.rmaHistoryBySerial.rmas.map((r: { number: string }) => r.number)).toEqual([first.number, second.number]);
    expect(history.rmaHistoryBySerial.events.map((e: { type: string }) => e.type)).toEqual([
      'RmaCreated',
      'RmaApproved',
      'RmaCreated',
      'RmaApproved',
      'DefectiveReceived',
      'UnitReplaced',
    ]);
  });

  it('expires an approved RMA whose defective unit is not back within its validity, and tells the centre', async () => {
    const { number } = await request(await registerDevice(t, cust.siteId));
    await t.ok(`mutation($n: String!) { approveRma(number: $n, input: { validity: "PT1S" }) { status } }`, { n: number });
    await eventually(
      async () => (await getRma(t, number)).data!.rma.status,
      (s) => s === 'EXPIRED',
      10_000,
    );
    const expired = (await outbox(t, number)).filter((e) => e.type === 'RmaExpired');
    expect(expired).toHaveLength(1);
    expect(expired[0].payload).toMatchObject({ rmaNumber: number, centreCode: net.sh.code });
    const late = await record(number, 'RepairStarted');
    expect(late.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
  });

  describe('5-working-day loaner rule (site calendar in the database)', () => {
    beforeAll(async () => {
      await t.app.hub.get(CalendarService).importYear('CN', 2025, null, 'test');
    });

    it('counts across the National Day holiday and fires at the deadline without any event', async () => {
      // Out of service Monday 29 September 2025 10:00 Shanghai: day 6 begins Tuesday 14 October (Golden Week skipped).
      const { number } = await request(await registerDevice(t, cust.siteId), { outOfServiceAt: '2025-09-29T02:00:00.000Z' });
      await eventually(
        async () => (await getRma(t, number)).data!.rma,
        (r) => r.loanerRequired === true,
        10_000,
      );
      const { data } = await getRma(t, number);
      expect(data!.rma).toMatchObject({
        loanerDeadline: '2025-10-13T16:00:00.000Z',
        loanerDueAt: '2025-10-14T16:00:00.000Z',
        loanerBasis: 'ACTUAL',
        loanerCompliance: 'BREACHED',
      });
      const required = (await outbox(t, number)).filter((e) => e.type === 'LoanerRequired');
      expect(required).toHaveLength(1);
      expect(required[0].payload).toMatchObject({
        basis: 'ACTUAL',
        model: 'PowerEdge R740',
        equivalenceClass: '2U-2S-SERVER',
        thresholdWorkingDays: 5,
      });
      const overdue = await t.ok(
        `{ rmas(filter: { overdue: true, loanerRequired: true }, first: 50) { edges { node { number overdue } } } }`,
      );
      expect(overdue.rmas.edges.map((e: { node: { number: string } }) => e.node.number)).toContain(number);
    });

    it('flags a loaner deadline in a year the calendar does not know, on the RMA and in the report', async () => {
      const create = async (outOfServiceAt: string) => {
        const number = `CAL-${runId()}`;
        const serialNumber = await registerDevice(t, cust.siteId);
        await recordOk(
          number,
          'RmaCreated',
          { serialNumber, problem: 'fan failed', centreCode: net.sh.code, outOfServiceAt },
          { occurredAt: outOfServiceAt },
        );
        return number;
      };
      // From 28 December 2026 the fifth working day falls in 2027, a year without holiday data.
      const unknownYear = await create('2026-12-28T02:00:00.000Z');
      const knownYear = await create('2025-09-29T02:00:00.000Z');
      const flag = async (n: string) =>
        (await t.ok(`query($n: String!) { rma(number: $n) { calendarIncomplete loanerDeadline } }`, { n })).rma;
      expect((await flag(unknownYear)).calendarIncomplete).toBe(true);
      expect(await flag(knownYear)).toEqual({ calendarIncomplete: false, loanerDeadline: '2025-10-13T16:00:00.000Z' });
      const REPORT = `query($r: ReportRangeInput!) { rmaLoanerReport(range: $r) { rmas { number calendarIncomplete } } }`;
      const report = await t.ok(REPORT, { r: { from: '2026-12-01', to: '2026-12-31' } });
      expect(report.rmaLoanerReport.rmas.find((r: { number: string }) => r.number === unknownYear)).toEqual({
        number: unknownYear,
        calendarIncomplete: true,
      });
    });

    it('requires a loaner as soon as the projected repair exceeds the threshold, and tracks delivery', async () => {
      const { number } = await request(await registerDevice(t, cust.siteId));
      await recordOk(number, 'RmaApproved');
      await recordOk(number, 'DefectiveReceived');
      await recordOk(number, 'RepairStarted', { estimatedCompletionAt: new Date(Date.now() + 3 * 86400_000).toISOString() });
      expect((await getRma(t, number)).data!.rma.loanerRequired).toBe(false);
      const longer = await request(await registerDevice(t, cust.siteId), { loanerThresholdWorkingDays: 2 });
      await recordOk(longer.number, 'RmaApproved');
      await recordOk(longer.number, 'DefectiveReceived');
      await recordOk(longer.number, 'RepairStarted', { estimatedCompletionAt: new Date(Date.now() + 10 * 86400_000).toISOString() });
      let { data } = await getRma(t, longer.number);
      expect(data!.rma).toMatchObject({ loanerRequired: true, loanerBasis: 'PROJECTED', loanerCompliance: 'PENDING' });
      await recordOk(longer.number, 'LoanerDelivered', { loanerSerialNumber: 'LN-7' });
      ({ data } = await getRma(t, longer.number));
      expect(data!.rma.loanerCompliance).toBe('KEPT');
      expect((await record(longer.number, 'LoanerDelivered')).errors?.[0].extensions?.code).toBe('CONFLICT');
    });
  });

  it('lends a loaner through the loaners module (same model first) and sends it back when the unit is', async () => {
    const tag = runId();
    const { createDepot } = await t.ok(`mutation($input: CreateDepotInput!) { createDepot(input: $input) { id } }`, {
      input: { code: `SH-DEPOT-${tag}`, name: 'Shanghai depot', region: 'CN-EAST', city: 'Shanghai' },
    });
    await t.ok(`mutation($d: ID!) { setDepotCoverage(depotId: $d, coverage: [{ region: "CN-EAST", deliveryTime: "PT4H" }]) { id } }`, {
      d: createDepot.id,
    });
    const register = (serialNumber: string, model: string) =>
      t.ok(`mutation($input: RegisterLoanerInput!) { registerLoaner(input: $input) { id } }`, {
        input: { serialNumber, vendor: 'x', model, equivalenceClass: '2U-2S-SERVER', depotId: createDepot.id },
      });
    await register(`LN-EQ-${tag}`, 'ProLiant DL380 Gen10');
    await register(`LN-SAME-${tag}`, 'PowerEdge R740');

    const { number } = await request(await registerDevice(t, cust.siteId), { loanerThresholdWorkingDays: 1 });
    await recordOk(number, 'RmaApproved');
    await recordOk(number, 'DefectiveReceived');
    await recordOk(number, 'RepairStarted', { estimatedCompletionAt: new Date(Date.now() + 10 * 86400_000).toISOString() });
    const assigned = (await outbox(t, number)).filter((e) => e.type === 'LoanerAssigned');
    expect(assigned).toHaveLength(1);
    expect(assigned[0].payload).toMatchObject({
      rmaNumber: number,
      loanerSerialNumber: `LN-SAME-${tag}`,
      match: 'SAME_MODEL',
      depotId: createDepot.id,
    });
    const q = `query($n: String!) { rma(number: $n) { loanerCompliance loaner { id status match dueBackAt loaner { serialNumber } } } }`;
    let { rma } = await t.ok(q, { n: number });
    expect(rma).toMatchObject({
      loanerCompliance: 'PENDING',
      loaner: { status: 'RESERVED', match: 'SAME_MODEL', loaner: { serialNumber: `LN-SAME-${tag}` } },
    });
    // The depot records the delivery on the loan: that counts for the promise as well.
    await t.ok(`mutation($id: ID!) { deliverLoaner(loanId: $id) { status } }`, { id: rma.loaner.id });
    await recordOk(number, 'RepairCompleted');
    await recordOk(number, 'UnitReturned');
    ({ rma } = await t.ok(q, { n: number }));
    expect(rma.loanerCompliance).toBe('KEPT');
    expect(rma.loaner.status).toBe('ON_LOAN');
    expect(rma.loaner.dueBackAt).toBeTruthy();
  });

  describe('escalation and visibility', () => {
    it('escalates to the parent, records it, and keeps the RMA visible on the path only', async () => {
      const { number } = await request(await registerDevice(t, cust.siteId));
      const shKey = await partnerKey(t, net.sh);
      const szKey = await partnerKey(t, net.sz);
      const eastKey = await partnerKey(t, net.east);
      const northKey = await partnerKey(t, net.north);

      expect(
        (await t.gql(`mutation($n: String!) { escalateRma(number: $n) { id } }`, { n: number }, szKey)).errors?.[0].extensions?.code,
      ).toBe('NOT_FOUND');
      const escalated = await t.ok(
        `mutation($n: String!) { escalateRma(number: $n, reason: "needs board swap") { centre { code tier } originCentre { code } } }`,
        { n: number },
        shKey,
      );
      expect(escalated.escalateRma).toEqual({ centre: { code: net.east.code, tier: 2 }, originCentre: { code: net.sh.code } });
      const out = (await outbox(t, number)).filter((e) => e.type === 'RmaEscalated');
      expect(out[0].payload).toMatchObject({
        fromCentreCode: net.sh.code,
        toCentreCode: net.east.code,
        toTier: 2,
        reason: 'needs board swap',
      });

      for (const key of [shKey, eastKey]) expect((await getRma(t, number, key)).data?.rma.number).toBe(number);
      for (const key of [szKey, northKey]) expect((await getRma(t, number, key)).errors?.[0].extensions?.code).toBe('NOT_FOUND');

      // Once it is the regional centre's, the partner may no longer push it up; the regional centre may.
      const again = await t.gql(`mutation($n: String!) { escalateRma(number: $n) { id } }`, { n: number }, shKey);
      expect(again.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_ENTITLED' });
      await t.ok(`mutation($n: String!) { escalateRma(number: $n) { id } }`, { n: number }, eastKey);
      const top = await t.gql(`mutation($n: String!) { escalateRma(number: $n) { id } }`, { n: number }, await partnerKey(t, net.oem));
      expect(top.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
      const escalations = await t.ok(`query($n: String!) { rma(number: $n) { history { type payload } } }`, { n: number });
      expect(
        escalations.rma.history
          .filter((h: { type: string }) => h.type === 'RmaEscalated')
          .map((h: { payload: { toCentreCode: string } }) => h.payload.toCentreCode),
      ).toEqual([net.east.code, net.oem.code]);

      const mine = await t.ok(
        `query($c: ID!) { rmas(filter: { centreId: $c }, first: 100) { totalCount edges { node { number } } } }`,
        { c: net.oem.id },
        eastKey,
      );
      expect(mine.rmas.edges.map((e: { node: { number: string } }) => e.node.number)).toContain(number);
      const sibling = await t.ok(`{ rmas(first: 100) { totalCount } }`, {}, szKey);
      expect(sibling.rmas.totalCount).toBe(0);
    });

    it('shows a CUSTOMER key its own RMAs only', async () => {
      const other = await createCustomer(t);
      const { number } = await request(await registerDevice(t, other.siteId));
      const key = await t.createKey(Role.CUSTOMER, other.customerId);
      const list = await t.ok(`{ rmas(first: 100) { edges { node { number customer { id } } } } }`, {}, key);
      expect(list.rmas.edges.map((e: { node: { number: string } }) => e.node.number)).toEqual([number]);
      const ownKey = await t.createKey(Role.CUSTOMER, cust.customerId);
      expect((await getRma(t, number, ownKey)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect(
        (await t.gql(`mutation($n: String!) { escalateRma(number: $n) { id } }`, { n: number }, key)).errors?.[0].extensions?.code,
      ).toBe('FORBIDDEN');
    });

    it('pushes rmaUpdated to the partner of the centre and of its parent, not to a sibling', async () => {
      const shSub = collect(t.wsClient(await partnerKey(t, net.sh)), `subscription { rmaUpdated { number status } }`);
      const eastSub = collect(
        t.wsClient(await partnerKey(t, net.east)),
        `subscription($c: ID) { rmaUpdated(centreId: $c) { number status } }`,
        { c: net.east.id },
      );
      const szSub = collect(t.wsClient(await partnerKey(t, net.sz)), `subscription { rmaUpdated { number } }`);
      await new Promise((r) => setTimeout(r, 300));
      const { number } = await request(await registerDevice(t, cust.siteId));
      await recordOk(number, 'RmaApproved');
      const [created, approved] = await shSub.waitFor(2);
      expect(created.data?.rmaUpdated).toEqual({ number, status: 'REQUESTED' });
      expect(approved.data?.rmaUpdated).toEqual({ number, status: 'APPROVED' });
      expect((await eastSub.waitFor(2)).map((e) => e.data?.rmaUpdated.status)).toEqual(['REQUESTED', 'APPROVED']);
      await new Promise((r) => setTimeout(r, 300));
      expect(szSub.events).toHaveLength(0);
    });
  });

  it('serialises concurrent events per RMA: submitted all at once, in any order, each story ends right', async () => {
    const stories = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        const number = `CONC-${i}-${runId()}`;
        const story = repairStory(number, await registerDevice(t, cust.siteId), net, new Date(Date.now() - 3600_000));
        return { number, story };
      }),
    );
    // Through the GraphQL path (operators), all events of all RMAs in flight together.
    const all = stories.flatMap(({ story }) => story).reverse();
    const results = await Promise.all(
      all.map((e) => {
        // An operator records for the hub, so a creation names its centre.
        const payload = { ...(e.payload as Record<string, unknown>), ...(e.type === 'RmaCreated' ? { centreCode: net.sh.code } : {}) };
        return recordOk(e.key, e.type, payload, { eventId: e.eventId, occurredAt: e.occurredAt });
      }),
    );
    expect(results.filter((r) => r.outcome === 'HELD').length).toBeGreaterThan(0);
    for (const { number } of stories) {
      const { data } = await getRma(t, number);
      expect(data!.rma).toMatchObject({ status: 'RETURNED_TO_CUSTOMER', centreId: net.east.id });
      expect(data!.rma.history.filter((h: { type: string }) => h.type === 'RmaEscalated')).toHaveLength(1);
    }
  });

  it('opens an RMA from an incident, at the centre the incident is assigned to', async () => {
    const tag = runId();
    const serial = await registerDevice(t, cust.siteId);
    const plan = { response: 'PT1H', restore: 'PT4H', onSite: { urban: 'PT2H', suburban: 'PT2H', remote: 'PT2H' } };
    const { createContract } = await t.ok(`mutation($i: CreateContractInput!) { createContract(input: $i) { id } }`, {
      i: {
        code: `C-${tag}`,
        name: 'Test plan',
        coverage: { type: 'SEVEN_BY_24', windows: [] },
        targets: ['P1', 'P2', 'P3', 'P4'].map((severity) => ({ severity, ...plan })),
      },
    });
    await t.ok(`mutation($c: ID!, $cu: ID) { assignContract(contractId: $c, customerId: $cu) { id } }`, {
      c: createContract.id,
      cu: cust.customerId,
    });
    const { reportIncident } = await t.ok(`mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }`, {
      i: { channel: 'API', summary: 'PSU failure', severity: 'P3', deviceSerial: serial },
    });
    await t.ok(`mutation($id: ID!, $c: ID) { assignIncident(id: $id, centreId: $c) { id } }`, { id: reportIncident.id, c: net.sz.id });
    const { requestRma } = await t.ok(
      `mutation($input: RequestRmaInput!) { requestRma(input: $input) { number centre { code } incident { id } } }`,
      { input: { incidentId: reportIncident.id, deviceSerial: serial, faultyPartNumbers: ['PSU-750W'], problem: 'PSU failed' } },
    );
    expect(requestRma).toMatchObject({ centre: { code: net.sz.code }, incident: { id: reportIncident.id } });
    const wrongDevice = await t.gql(REQUEST, {
      input: { incidentId: reportIncident.id, deviceSerial: await registerDevice(t, cust.siteId), faultyPartNumbers: [], problem: 'x' },
    });
    expect(wrongDevice.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'deviceSerial' });
  });

  it('batches nested fields: an rmas page costs the same statements for 10 or 50 RMAs', async () => {
    const other = await createCustomer(t);
    for (let i = 0; i < 60; i++) {
      const { number } = await request(await registerDevice(t, other.siteId));
      if (i % 2 === 0) await recordOk(number, 'RmaApproved');
    }
    const query = `query($first: Int!, $c: ID!) { rmas(first: $first, filter: { customerId: $c }) { totalCount pageInfo { hasNextPage endCursor } edges { node {
      number status loanerCompliance repairWorkingDays overdue
      device { serialNumber model site { name } } customer { name } site { city } incident { id }
      centre { code parent { code } } originCentre { code } referenceRma { number }
      parts { partNumber } history { type } loaner { status loaner { serialNumber } }
    } } } }`;
    // Short-lived caches (API key, calendar) add statements to whichever request reloads them: compare the cheapest of a few runs.
    const measure = async (first: number) => {
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await t.gql(query, { first, c: other.customerId }));
      for (const run of runs) expect(run.errors).toBeUndefined();
      return { last: runs[2], statements: Math.min(...runs.map((r) => r.sqlStatements)) };
    };
    const ten = await measure(10);
    const fifty = await measure(50);
    expect(fifty.last.data!.rmas.edges).toHaveLength(50);
    expect(fifty.last.data!.rmas.totalCount).toBe(60);
    expect(ten.statements).toBeGreaterThan(0);
    expect(fifty.statements).toBe(ten.statements);
    // Keyset pagination continues where the page ended.
    const next = await t.ok(
      `query($after: String!, $c: ID!) { rmas(first: 50, after: $after, filter: { customerId: $c }) { edges { node { number } } pageInfo { hasNextPage } } }`,
      {
        after: fifty.last.data!.rmas.pageInfo.endCursor,
        c: other.customerId,
      },
    );
    expect(next.rmas.edges).toHaveLength(10);
    expect(next.rmas.pageInfo.hasNextPage).toBe(false);
  });

  describe('inbound events on the bus', () => {
    const bus = () => t.app.hub.bus as InProcessEventBus;
    const topic = () => t.app.hub.config.kafka.topics.rmaInbound;

    it('applies a story from the centres, dead-letters what it cannot use and keeps going', async () => {
      const serial = await registerDevice(t, cust.siteId);
      const number = `SH-${runId()}`;
      const story = repairStory(number, serial, net, new Date(Date.now() - 3600_000));
      const before = (await deadLetters(t)).length;
      bus().publishRaw(topic(), Buffer.from([0xde, 0xad, 0xbe, 0xef]), number);
      await bus().publish(topic(), [rmaEvent('RmaTeleported', number, net.sh.source, new Date())]);
      await bus().publish(topic(), [rmaEvent('DefectiveReceived', number, net.bj.source, new Date())]);
      await bus().publish(topic(), story);
      await eventually(
        async () => (await getRma(t, number)).data?.rma?.status,
        (s) => s === 'RETURNED_TO_CUSTOMER',
        10_000,
      );
      const letters = (await deadLetters(t)).slice(before);
      // The Beijing centre's event was held (no RMA yet), then refused once the RMA existed: not on its path.
      expect(letters.map((l) => l.reason.split(':')[0]).sort()).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'NOT_ENTITLED']);
      expect(letters.find((l) => l.type === 'RmaTeleported')?.reason).toMatch(/unknown event type/);
      expect(letters.find((l) => l.raw.startsWith('b64:'))?.reason).toMatch(/malformed message: not JSON/);
      const dl = await t.ok(`{ deadLetters(first: 200) { type reason } }`);
      expect(dl.deadLetters.length).toBeGreaterThanOrEqual(3);
    });

    it('ends the same whatever the arrival order of the story', async () => {
      let seed = 7;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const numbers: string[] = [];
      for (let i = 0; i < 6; i++) {
        const number = `PERM-${i}-${runId()}`;
        const story = repairStory(number, await registerDevice(t, cust.siteId), net, new Date(Date.now() - 3600_000));
        const order = story
          .map((e) => ({ e, k: random() }))
          .sort((a, b) => a.k - b.k)
          .map(({ e }) => e);
        await bus().publish(topic(), order);
        numbers.push(number);
      }
      for (const number of numbers) {
        // Done when all eight events are in (the closing one may not be the last to arrive).
        const rma = await eventually(
          async () => (await getRma(t, number)).data?.rma,
          (r) => r?.history?.filter((h: { eventId: string | null }) => h.eventId).length === 8,
          10_000,
        );
        expect(rma).toMatchObject({ centreId: net.east.id, loanerRequired: true, loanerBasis: 'PROJECTED', loanerCompliance: 'KEPT' });
        const moves = rma.history
          .filter((h: { toStatus: string; fromStatus: string }) => h.toStatus !== h.fromStatus)
          .map((h: { toStatus: string }) => h.toStatus);
        expect(moves).toEqual(['REQUESTED', 'APPROVED', 'RECEIVED', 'IN_REPAIR', 'REPAIRED', 'RETURNED_TO_CUSTOMER']);
        expect((await outbox(t, number)).map((e) => e.type).sort()).toEqual(['LoanerRequired', 'RmaEscalated']);
      }
    });

    it('dead-letters a held event after the bound', async () => {
      const settings = t.app.hub.get(RmaSettings);
      const previous = settings.holdTimeoutMs;
      settings.holdTimeoutMs = 1_000;
      try {
        const number = `NEVER-${runId()}`;
        await bus().publish(topic(), [rmaEvent('RmaApproved', number, net.sh.source, new Date())]);
        await eventually(
          async () => (await deadLetters(t)).filter((l) => l.messageKey === number),
          (l) => l.length === 1,
          10_000,
        );
        expect((await deadLetters(t)).find((l) => l.messageKey === number)?.reason).toMatch(/^HELD_TOO_LONG: .*RmaCreated/);
      } finally {
        settings.holdTimeoutMs = previous;
      }
    });
  });
});
