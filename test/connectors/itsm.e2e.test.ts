import { CustomerItsm, startCustomerItsm } from '../../examples/customer-itsm/server';
import { eventually, startTestHub, TestHub } from '../support/hub';
import { assignToCustomer, CALM_7X24, createContract, createWorld, report, World } from '../incidents/fixtures';
import { createNetwork } from '../rma/fixtures';

const CREDENTIALS = { username: 'hub-integration', password: 'itsm-password-for-tests' };
const CONNECTOR_FIELDS = `id customerId name baseUrl authKind username integrationUser inbound enabled journalCursor lastError pendingOperations inboundPath
  stateMapping { outbound { hubStatus itsmState } inbound { itsmState action } priorities { severity priority } }`;
const INCIDENT = `id status severity externalRef satisfaction closedBy customerComment timeline { type actor message }`;

/**
 * Two-way ticket sync against the example customer ITSM (a real HTTP server with its own SQLite store and
 * change journal), started by the test: the hub opens the ticket, keeps it in step, and takes the customer's
 * comments, reopen and closure confirmation back, without echoing anything.
 */
describe("the customer's ITSM connector", () => {
  let itsm: CustomerItsm;
  let t: TestHub;
  let w: World;
  let connector: Record<string, any>;
  let inboundSecret: string;

  const incident = async (id: string) => (await t.ok(`query($id: ID!) { incident(id: $id) { ${INCIDENT} } }`, { id })).incident;
  const ticketOf = (id: string) =>
    eventually(
      () => incident(id),
      (i) => /^INC\d+$/.test(i.externalRef ?? ''),
      15_000,
    );
  const pending = async () => (await t.ok(`{ itsmConnectors { id pendingOperations } }`)).itsmConnectors[0].pendingOperations as number;
  const settled = () => eventually(pending, (n) => n === 0, 20_000);
  const journal = (number: string) => itsm.store.changes({ limit: 1000 }).filter((c) => c.ticketNumber === number);
  /** Waits until the hub has read the ITSM journal past everything written so far. */
  const pollPast = async () => {
    const last = itsm.store.changes({ limit: 100_000 }).at(-1)?.seq ?? 0;
    await eventually(
      async () => (await t.ok(`{ itsmConnectors { journalCursor } }`)).itsmConnectors[0].journalCursor as number,
      (cursor) => cursor >= last,
      15_000,
    );
  };
  const move = (id: string, to: string, note?: string) =>
    t.ok(`mutation($id: ID!, $to: IncidentStatus!, $note: String) { transitionIncident(id: $id, to: $to, note: $note) { id } }`, {
      id,
      to,
      note,
    });
  const progress = (id: string, message: string) =>
    t.ok(`mutation($id: ID!, $m: String!) { postIncidentProgress(id: $id, message: $m) { id } }`, { id, m: message });

  beforeAll(async () => {
    itsm = await startCustomerItsm({ credentials: CREDENTIALS, port: 0, seed: false });
    t = await startTestHub({
      env: { WEBHOOK_ALLOW_TARGET_RANGES: 'loopback', ITSM_POLL_MS: '200', ITSM_RETRY_BASE_MS: '100', ITSM_RETRY_MAX_MS: '500' },
    });
    w = await createWorld(t);
    const contract = await createContract(t, { plan: CALM_7X24 });
    await assignToCustomer(t, contract, w.customerA);
    await assignToCustomer(t, contract, w.customerB);
  });
  afterAll(async () => {
    await t?.stop();
    await itsm?.close();
  });

  it('is configured by staff with sealed credentials that are never returned; the customer reads its own', async () => {
    const created = await t.ok(
      `mutation($i: CreateItsmConnectorInput!) { createItsmConnector(input: $i) { inboundSecret inboundPath connector { ${CONNECTOR_FIELDS} } } }`,
      {
        i: {
          customerId: w.customerA,
          name: 'Bank ServiceNow',
          baseUrl: itsm.url,
          authKind: 'BASIC',
          username: CREDENTIALS.username,
          credential: CREDENTIALS.password,
          inbound: 'POLL',
          mapping: { priorities: [{ severity: 'P4', priority: 5 }] },
        },
      },
    );
    connector = created.createItsmConnector.connector;
    inboundSecret = created.createItsmConnector.inboundSecret;
    expect(connector).toMatchObject({ customerId: w.customerA, integrationUser: CREDENTIALS.username, inbound: 'POLL', enabled: true });
    expect(connector.stateMapping.outbound).toContainEqual({ hubStatus: 'RESTORED', itsmState: 'RESOLVED' });
    expect(connector.stateMapping.inbound).toContainEqual({ itsmState: 'CLOSED', action: 'CONFIRM_CLOSURE' });
    expect(connector.stateMapping.priorities).toContainEqual({ severity: 'P4', priority: 5 });
    expect(created.createItsmConnector.inboundPath).toBe(`/integrations/itsm/${connector.id}`);
    const [row] = await t.app.hub.db.dataSource.query(`SELECT credentialSealed FROM itsm_connectors WHERE id = ?`, [connector.id]);
    expect(row.credentialSealed).not.toContain(CREDENTIALS.password);
    expect(JSON.stringify(connector)).not.toContain(CREDENTIALS.password);

    expect((await t.ok(`{ itsmConnectors { id } }`, {}, w.keyA)).itsmConnectors).toEqual([{ id: connector.id }]);
    expect((await t.ok(`{ itsmConnectors { id } }`, {}, w.keyB)).itsmConnectors).toEqual([]);
    const foreignLog = await t.gql(`query($id: ID!) { itsmSyncLog(connectorId: $id) { totalCount } }`, { id: connector.id }, w.keyB);
    expect(foreignLog.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(
      (await t.ok(`query($id: ID!) { itsmSyncLog(connectorId: $id) { totalCount } }`, { id: connector.id }, w.keyA)).itsmSyncLog,
    ).toEqual({
      totalCount: expect.any(Number),
    });
    const byCustomer = await t.gql(
      `mutation($i: CreateItsmConnectorInput!) { createItsmConnector(input: $i) { inboundSecret } }`,
      { i: { customerId: w.customerA, name: 'x', baseUrl: itsm.url, username: 'u', credential: 'p' } },
      w.keyA,
    );
    expect(byCustomer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const twice = await t.gql(`mutation($i: CreateItsmConnectorInput!) { createItsmConnector(input: $i) { inboundSecret } }`, {
      i: { customerId: w.customerA, name: 'again', baseUrl: itsm.url, username: 'u', credential: 'p' },
    });
    expect(twice.errors?.[0].extensions?.code).toBe('CONFLICT');
    const metadata = await t.gql(`mutation($i: CreateItsmConnectorInput!) { createItsmConnector(input: $i) { inboundSecret } }`, {
      i: { customerId: w.customerB, name: 'metadata', baseUrl: 'http://169.254.169.254/latest', username: 'u', credential: 'p' },
    });
    expect(metadata.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'baseUrl', reason: 'TARGET_NOT_ALLOWED' });
    const badMapping = await t.gql(`mutation($i: CreateItsmConnectorInput!) { createItsmConnector(input: $i) { inboundSecret } }`, {
      i: {
        customerId: w.customerB,
        name: 'm',
        baseUrl: itsm.url,
        username: 'u',
        credential: 'p',
        mapping: { inbound: [{ itsmState: ' ', action: 'REOPEN' }] },
      },
    });
    expect(badMapping.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('opens the ticket, sends progress and restore, takes a reopen, and closes on the consent confirmed in the ITSM', async () => {
    const opened = await report(t, { deviceSerial: w.deviceA1.serial, severity: 'P4', summary: 'Controller battery failed' });
    const { externalRef: number } = await ticketOf(opened.id);
    const ticket = itsm.store.ticket(number)!;
    expect(ticket).toMatchObject({ correlationId: opened.id, priority: 5, state: 'NEW', configurationItem: w.deviceA1.serial });
    expect((await incident(opened.id)).timeline.map((e: { type: string }) => e.type)).toContain('EXTERNAL_TICKET_LINKED');

    await move(opened.id, 'ACKNOWLEDGED');
    await move(opened.id, 'IN_PROGRESS');
    await progress(opened.id, 'Replacement battery on its way');
    await t.ok(`mutation($id: ID!) { changeIncidentSeverity(id: $id, severity: P2, reason: "cache disabled") { id } }`, { id: opened.id });
    await move(opened.id, 'RESTORED', 'battery replaced');
    await settled();
    expect(itsm.store.ticket(number)).toMatchObject({ state: 'RESOLVED', priority: 2 });
    const fromHub = journal(number).filter((c) => c.changedBy === CREDENTIALS.username);
    expect(fromHub.filter((c) => c.field === 'state').map((c) => c.newValue)).toEqual(['IN_PROGRESS', 'RESOLVED']);
    expect(itsm.store.ticket(number)!.comments.map((c) => c.body)).toEqual([
      'Service hub: NEW → ACKNOWLEDGED',
      'Service hub: ACKNOWLEDGED → IN_PROGRESS',
      'Service hub: Replacement battery on its way',
      'Service hub: Severity P4 → P2: cache disabled',
      'Service hub: IN_PROGRESS → RESTORED: battery replaced',
    ]);

    // The customer is not satisfied: it reopens the ticket in its ITSM.
    itsm.store.updateTicket(number, { state: 'IN_PROGRESS' }, 'li.wei');
    await eventually(
      () => incident(opened.id),
      (i) => i.status === 'IN_PROGRESS',
      15_000,
    );
    await move(opened.id, 'RESTORED', 'firmware updated as well');
    await settled();
    expect(itsm.store.ticket(number)!.state).toBe('RESOLVED');

    // The customer confirms the fix in its ITSM, with a rating: the hub closes through the consent command.
    const beforeClose = itsm.store.changes({ limit: 100_000 }).at(-1)!.seq;
    itsm.store.updateTicket(number, { satisfaction: 4, state: 'CLOSED' }, 'li.wei');
    const closed = await eventually(
      () => incident(opened.id),
      (i) => i.status === 'CLOSED',
      15_000,
    );
    expect(closed).toMatchObject({ satisfaction: 4, closedBy: 'connector itsm Bank ServiceNow' });
    expect(closed.timeline.map((e: { type: string }) => e.type)).toContain('CLOSURE_CONFIRMED');
    await settled();
    await pollPast();
    // No echo: the closure that came from the ITSM is not sent back to it.
    expect(itsm.store.changes({ afterSeq: beforeClose, limit: 1000 }).filter((c) => c.changedBy === CREDENTIALS.username)).toEqual([]);
    const log = await t.ok(`query($c: ID!) { itsmSyncLog(connectorId: $c, first: 100) { edges { node { direction outcome detail } } } }`, {
      c: connector.id,
    });
    const outcomes = log.itsmSyncLog.edges.map((e: { node: { outcome: string } }) => e.node.outcome);
    expect(outcomes).toEqual(expect.arrayContaining(['SENT', 'APPLIED', 'ECHO']));
  });

  it('records a comment from the ITSM once and does not send it back', async () => {
    const opened = await report(t, { deviceSerial: w.deviceA1.serial, summary: 'Fan noise' });
    const { externalRef: number } = await ticketOf(opened.id);
    await settled();
    itsm.store.addComment(number, { author: 'Li Wei', body: 'Please call before visiting the site' }, 'li.wei');
    await eventually(
      () => incident(opened.id),
      (i) => i.timeline.some((e: { type: string }) => e.type === 'CUSTOMER_COMMENT'),
      15_000,
    );
    await pollPast();
    await settled();
    const timeline = (await incident(opened.id)).timeline as Array<{ type: string; message: string; actor: string }>;
    expect(timeline.filter((e) => e.type === 'CUSTOMER_COMMENT')).toEqual([
      expect.objectContaining({ message: 'Please call before visiting the site', actor: 'connector itsm Bank ServiceNow' }),
    ]);
    expect(itsm.store.ticket(number)!.comments.filter((c) => c.body.includes('Please call'))).toHaveLength(1);
  });

  it("sends the incident's RMA facts to its ticket", async () => {
    const net = await createNetwork(t);
    const opened = await report(t, { deviceSerial: w.deviceA1.serial, summary: 'PSU failed' });
    const { externalRef: number } = await ticketOf(opened.id);
    await t.ok(`mutation($id: ID!, $c: ID) { assignIncident(id: $id, centreId: $c) { id } }`, { id: opened.id, c: net.sz.id });
    const { requestRma } = await t.ok(`mutation($input: RequestRmaInput!) { requestRma(input: $input) { number } }`, {
      input: { incidentId: opened.id, deviceSerial: w.deviceA1.serial, faultyPartNumbers: ['PSU-750W'], problem: 'PSU failed' },
    });
    await settled();
    await eventually(
      async () => itsm.store.ticket(number)!.comments.map((c) => c.body),
      (bodies) => bodies.some((b) => b.startsWith(`Service hub: rma requested (RMA ${requestRma.number})`)),
      15_000,
    );
  });

  it('keeps the changes while the ITSM is down and delivers them in order once it is back', async () => {
    itsm.setFault({ kind: 'down' });
    const opened = await report(t, { deviceSerial: w.deviceA1.serial, summary: 'PSU failed while the ITSM was down' });
    await move(opened.id, 'ACKNOWLEDGED');
    await move(opened.id, 'IN_PROGRESS');
    await progress(opened.id, 'first update');
    await progress(opened.id, 'second update');
    await move(opened.id, 'RESTORED');
    await eventually(
      async () => (await t.ok(`{ itsmConnectors { pendingOperations lastError } }`)).itsmConnectors[0],
      (c) => c.pendingOperations >= 8 && !!c.lastError,
      15_000,
    );
    const [{ attempts }] = await t.app.hub.db.dataSource.query(`SELECT MAX(attempts) AS attempts FROM itsm_outbound WHERE incidentId = ?`, [
      opened.id,
    ]);
    expect(Number(attempts)).toBeGreaterThanOrEqual(1);
    expect((await incident(opened.id)).externalRef).toBeNull();

    itsm.setFault(null);
    const { externalRef: number } = await ticketOf(opened.id);
    await settled();
    expect(itsm.store.ticket(number)!.state).toBe('RESOLVED');
    expect(itsm.store.ticket(number)!.comments.map((c) => c.body)).toEqual([
      'Service hub: NEW → ACKNOWLEDGED',
      'Service hub: ACKNOWLEDGED → IN_PROGRESS',
      'Service hub: first update',
      'Service hub: second update',
      'Service hub: IN_PROGRESS → RESTORED',
    ]);
    expect(journal(number).map((c) => `${c.field}:${c.field === 'comment' ? '' : c.newValue}`)).toEqual([
      'created:NEW',
      'state:IN_PROGRESS',
      'comment:',
      'comment:',
      'comment:',
      'comment:',
      'state:RESOLVED',
      'comment:',
    ]);
  });

  it("refuses a change that names another customer's incident, and authenticates pushed changes", async () => {
    const foreign = await report(t, { deviceSerial: w.deviceB1.serial, summary: 'B outage' });
    // Someone in customer A's ITSM points a ticket at customer B's incident.
    const rogue = itsm.store.createTicket({ shortDescription: 'rogue', correlationId: foreign.id }, 'mallory');
    itsm.store.addComment(rogue.number, { author: 'Mallory', body: 'close this please' }, 'mallory');
    itsm.store.updateTicket(rogue.number, { state: 'CLOSED' }, 'mallory');
    await pollPast();
    const after = await incident(foreign.id);
    expect(after.status).toBe('NEW');
    expect(after.timeline.map((e: { type: string }) => e.type)).not.toContain('CUSTOMER_COMMENT');
    const log = await t.ok(
      `query($c: ID!) { itsmSyncLog(connectorId: $c, first: 100) { edges { node { outcome ticketNumber incidentId } } } }`,
      {
        c: connector.id,
      },
    );
    const rogueEntries = log.itsmSyncLog.edges
      .map((e: { node: Record<string, unknown> }) => e.node)
      .filter((n: any) => n.ticketNumber === rogue.number);
    expect(rogueEntries.filter((n: any) => n.outcome === 'REFUSED')).toHaveLength(2);
    expect(rogueEntries.every((n: any) => n.incidentId === null)).toBe(true);

    const push = (body: unknown, token: string) =>
      fetch(`${t.url}/integrations/itsm/${connector.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    expect((await push({ ticketNumber: 'INC1', field: 'comment', newValue: 'x', changedBy: 'a' }, 'whsec_wrong')).status).toBe(401);
    const polling = await push({ ticketNumber: 'INC1', field: 'comment', newValue: 'x', changedBy: 'a' }, inboundSecret);
    expect(polling.status).toBe(409);

    // Pushed and polled at once (BOTH): the same journal entry is applied once, whichever path comes first.
    await t.ok(`mutation($id: ID!) { updateItsmConnector(id: $id, input: { inbound: BOTH }) { inbound } }`, { id: connector.id });
    const opened = await report(t, { deviceSerial: w.deviceA1.serial, summary: 'Pushed and polled' });
    const { externalRef: number } = await ticketOf(opened.id);
    itsm.store.addComment(number, { author: 'Li Wei', body: 'Seen twice, recorded once' }, 'li.wei');
    const entry = itsm.store.changes({ limit: 100_000 }).at(-1)!;
    expect((await push({ changes: [{ ticketNumber: 'x' }] }, inboundSecret)).status).toBe(400);
    const pushed = await push([entry, entry], inboundSecret);
    expect(pushed.status).toBe(200);
    const outcomes = ((await pushed.json()) as { results: Array<{ outcome: string }> }).results.map((r) => r.outcome);
    expect(outcomes[1]).toBe('DUPLICATE');
    await pollPast();
    const comments = (await incident(opened.id)).timeline.filter((e: { type: string }) => e.type === 'CUSTOMER_COMMENT');
    expect(comments.map((e: { message: string }) => e.message)).toEqual(['Seen twice, recorded once']);
  });
});

describe('the ITSM connector without CONNECTOR_SECRET_KEY in production', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: { NODE_ENV: 'production', ITSM_SYNC_ENABLED: 'false' } });
  });
  afterAll(() => t?.stop());

  it('answers NOT_CONFIGURED instead of storing a credential it could not protect', async () => {
    const w = await createWorld(t);
    const r = await t.gql(`mutation($i: CreateItsmConnectorInput!) { createItsmConnector(input: $i) { inboundSecret } }`, {
      i: { customerId: w.customerA, name: 'n', baseUrl: 'http://93.184.216.34/', username: 'u', credential: 'p' },
    });
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'NOT_CONFIGURED', setting: 'CONNECTOR_SECRET_KEY' });
    expect(await t.app.hub.db.dataSource.query(`SELECT id FROM itsm_connectors`)).toEqual([]);
  });
});
