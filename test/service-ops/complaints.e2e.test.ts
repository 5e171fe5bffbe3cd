import { assignToCustomer, CALM_7X24, createContract, createWorld, report, World } from '../incidents/fixtures';
import { eventually, startTestHub, TestHub } from '../support/hub';
import { outboxTypes } from './helpers';

const FIELDS = `id customerId category status managementLevel incidentId filedAt
  firstReplyTarget firstReplyDueAt firstRepliedAt firstReplyBreachedAt
  resolutionTarget resolutionDueAt resolvedAt resolutionBreachedAt resolution handlingRating ratingComment closedAt
  timeline { seq type clock actor message }`;
const FILE = `mutation($i: FileComplaintInput!) { fileComplaint(input: $i) { ${FIELDS} } }`;

/** Seconds-scale complaint targets (PT2S first reply, PT4S resolution) on the real scheduler: no fake timers. */
describe('complaints', () => {
  let t: TestHub;
  let w: World;
  let incidentA: string;
  let incidentB: string;

  const get = async (id: string, key?: string) =>
    (await t.ok(`query($id: ID!) { complaint(id: $id) { ${FIELDS} } }`, { id }, key)).complaint;
  const types = (c: { timeline: Array<{ type: string; clock: string | null }> }) =>
    c.timeline.map((e) => (e.clock ? `${e.type}:${e.clock}` : e.type));

  beforeAll(async () => {
    t = await startTestHub();
    w = await createWorld(t);
    const contract = await createContract(t, { plan: CALM_7X24 });
    await assignToCustomer(t, contract, w.customerA);
    await assignToCustomer(t, contract, w.customerB);
    incidentA = (await report(t, { deviceSerial: w.deviceA1.serial }, w.keyA)).id;
    incidentB = (await report(t, { deviceSerial: w.deviceB1.serial }, w.keyB)).id;
    await t.ok(`mutation($i: ComplaintPolicyInput!) { setComplaintPolicy(input: $i) { firstReplyTarget } }`, {
      i: { customerId: w.customerA, firstReply: 'PT2S', resolution: 'PT4S' },
    });
  });
  afterAll(() => t?.stop());

  it("targets: the customer's own, else the default (PT15M / P2D built in)", async () => {
    expect((await t.ok(`{ complaintPolicy { firstReplyTarget resolutionTarget customerId } }`, {}, w.keyA)).complaintPolicy).toEqual({
      firstReplyTarget: 'PT2S',
      resolutionTarget: 'PT4S',
      customerId: w.customerA,
    });
    expect((await t.ok(`{ complaintPolicy { firstReplyTarget resolutionTarget } }`, {}, w.keyB)).complaintPolicy).toEqual({
      firstReplyTarget: 'PT15M',
      resolutionTarget: 'P2D',
    });
    const other = await t.gql(`query($c: ID) { complaintPolicy(customerId: $c) { firstReplyTarget } }`, { c: w.customerA }, w.keyB);
    expect(other.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const bad = await t.gql(`mutation { setComplaintPolicy(input: { firstReply: "PT1H", resolution: "PT30M" }) { firstReplyTarget } }`);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resolution' });
  });

  it('both clocks escalate when missed; replies and the resolution stop them; the customer rates the handling', async () => {
    const filed = Date.now();
    // Two complaints at once: the first is answered late, the second replied to at once but never resolved.
    const slow = (
      await t.ok(FILE, { i: { category: 'RESPONSE_SPEED', summary: 'Nobody called back for two hours', incidentId: incidentA } }, w.keyA)
    ).fileComplaint;
    const open = (await t.ok(FILE, { i: { category: 'BROKEN_PROMISE', summary: 'Engineer did not come as promised' } }, w.keyA))
      .fileComplaint;
    expect(slow).toMatchObject({
      status: 'OPEN',
      customerId: w.customerA,
      incidentId: incidentA,
      firstReplyTarget: 'PT2S',
      managementLevel: 'ENGINEER',
    });
    expect(Date.parse(slow.firstReplyDueAt) - Date.parse(slow.filedAt)).toBe(2000);
    expect(Date.parse(slow.resolutionDueAt) - Date.parse(slow.filedAt)).toBe(4000);
    await t.ok(`mutation($id: ID!) { replyToComplaint(id: $id, message: "We are on it") { status } }`, { id: open.id });

    const breached = await eventually(
      () => get(slow.id),
      (c) => !!c.firstReplyBreachedAt,
      8000,
      100,
    );
    expect(Date.now() - filed).toBeGreaterThanOrEqual(1900);
    expect(breached).toMatchObject({ status: 'OPEN', managementLevel: 'TEAM_LEAD', firstReplyBreachedAt: slow.firstReplyDueAt });
    expect(types(breached)).toEqual(['FILED', 'CLOCK_WARNING:FIRST_REPLY', 'CLOCK_BREACHED:FIRST_REPLY', 'ESCALATED:FIRST_REPLY']);

    // Late reply, then resolved before the resolution deadline (4 s after filing).
    await t.ok(`mutation($id: ID!) { replyToComplaint(id: $id, message: "Sorry, calling you now") { status } }`, { id: slow.id });
    const resolved = (
      await t.ok(
        `mutation($id: ID!) { resolveComplaint(id: $id, resolution: "Engineer dispatched, callback process fixed") { ${FIELDS} } }`,
        { id: slow.id },
      )
    ).resolveComplaint;
    expect(Date.now() - filed).toBeLessThan(4000);
    expect(resolved).toMatchObject({
      status: 'RESOLVED',
      resolutionBreachedAt: null,
      resolution: 'Engineer dispatched, callback process fixed',
    });

    // Only the customer rates, once; rating closes the complaint.
    const byStaff = await t.gql(`mutation($id: ID!) { rateComplaintHandling(id: $id, input: { rating: 5 }) { status } }`, { id: slow.id });
    expect(byStaff.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const rated = (
      await t.ok(
        `mutation($id: ID!) { rateComplaintHandling(id: $id, input: { rating: 4, comment: "Fixed quickly once escalated" }) { ${FIELDS} } }`,
        { id: slow.id },
        w.keyA,
      )
    ).rateComplaintHandling;
    expect(rated).toMatchObject({ status: 'CLOSED', handlingRating: 4, ratingComment: 'Fixed quickly once escalated' });
    const twice = await t.gql(
      `mutation($id: ID!) { rateComplaintHandling(id: $id, input: { rating: 1 }) { status } }`,
      { id: slow.id },
      w.keyA,
    );
    expect(twice.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_RATED' });

    // The second complaint: first reply in time (no escalation for it), resolution missed at 4 s.
    const late = await eventually(
      () => get(open.id),
      (c) => !!c.resolutionBreachedAt,
      8000,
      100,
    );
    expect(Date.now() - filed).toBeGreaterThanOrEqual(3900);
    expect(late).toMatchObject({ status: 'REPLIED', firstReplyBreachedAt: null, managementLevel: 'TEAM_LEAD' });
    expect(types(late)).toEqual(['FILED', 'REPLIED', 'CLOCK_WARNING:RESOLUTION', 'CLOCK_BREACHED:RESOLUTION', 'ESCALATED:RESOLUTION']);

    // A timer that fires after the clock stopped changes nothing: the first complaint kept its one escalation.
    const final = await get(slow.id);
    expect(types(final)).toEqual([
      'FILED',
      'CLOCK_WARNING:FIRST_REPLY',
      'CLOCK_BREACHED:FIRST_REPLY',
      'ESCALATED:FIRST_REPLY',
      'REPLIED',
      'RESOLVED',
      'RATED',
    ]);
    expect(await outboxTypes(t, slow.id)).toEqual(['ComplaintClockBreached']);
    expect(await outboxTypes(t, open.id)).toEqual(['ComplaintClockBreached']);
  });

  it('links only what the customer may see, and shows complaints only to their customer', async () => {
    const foreign = await t.gql(FILE, { i: { category: 'QUALITY', summary: 'Not mine', incidentId: incidentB } }, w.keyA);
    expect(foreign.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const staffNoCustomer = await t.gql(FILE, { i: { category: 'OTHER', summary: 'Who is this about' } });
    expect(staffNoCustomer.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'customerId' });
    const onBehalf = (
      await t.ok(FILE, { i: { customerId: w.customerB, category: 'ATTITUDE', summary: 'Rude on the phone', incidentId: incidentB } })
    ).fileComplaint;
    expect(onBehalf.customerId).toBe(w.customerB);

    const listA = await t.ok(`{ complaints(first: 20) { totalCount edges { node { customerId } } } }`, {}, w.keyA);
    expect(listA.complaints.totalCount).toBe(2);
    expect(new Set(listA.complaints.edges.map((e: any) => e.node.customerId))).toEqual(new Set([w.customerA]));
    const hidden = await t.gql(`query($id: ID!) { complaint(id: $id) { id } }`, { id: onBehalf.id }, w.keyA);
    expect(hidden.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const breached = await t.ok(`{ complaints(filter: { breached: true }, first: 20) { totalCount } }`, {}, w.keyA);
    expect(breached.complaints.totalCount).toBe(2);
    // Resolution before a reply is allowed (it answers both); closing an unresolved complaint is not.
    const notYet = await t.gql(`mutation($id: ID!) { closeComplaint(id: $id) { status } }`, { id: onBehalf.id });
    expect(notYet.errors?.[0].extensions).toMatchObject({ code: 'INVALID_TRANSITION', from: 'OPEN' });
    const r = (
      await t.ok(
        `mutation($id: ID!) { resolveComplaint(id: $id, resolution: "Apologised; coaching") { firstRepliedAt resolvedAt status } }`,
        { id: onBehalf.id },
      )
    ).resolveComplaint;
    expect(r.firstRepliedAt).toBe(r.resolvedAt);
  });
});
