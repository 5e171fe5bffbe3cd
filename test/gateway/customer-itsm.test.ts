import { CustomerItsm, startCustomerItsm } from '../../examples/customer-itsm/server';
import { DEMO_CONFIGURATION_ITEMS } from '../../examples/customer-itsm/seed';

/** The example customer ITSM's ticket and CMDB API, as a sync peer and the gateway's demo source use it. */
describe('example customer ITSM', () => {
  let itsm: CustomerItsm;
  const auth = { authorization: `Basic ${Buffer.from('sync:pw-1').toString('base64')}` };
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) => {
    const response = await fetch(`${itsm.url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    itsm = await startCustomerItsm({ credentials: { username: 'sync', password: 'pw-1', token: 'tok-1' } });
  });
  afterAll(() => itsm?.close());

  it('serves its OpenAPI document and refuses API calls without its credentials', async () => {
    const doc = await call('GET', '/openapi.json', undefined, {});
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/cmdb/items/{serialNumber}', '/api/tickets', '/api/changes']));
    expect((await call('GET', '/api/tickets', undefined, {})).status).toBe(401);
    expect(
      (await call('GET', '/api/tickets', undefined, { authorization: `Basic ${Buffer.from('sync:wrong').toString('base64')}` })).status,
    ).toBe(401);
    expect((await call('GET', '/api/tickets', undefined, { authorization: 'Bearer tok-1' })).status).toBe(200);
  });

  it('knows every demo serial number in its CMDB', async () => {
    const items = await call('GET', `/api/cmdb/items?serialNumber=${DEMO_CONFIGURATION_ITEMS.map((i) => i.serialNumber).join(',')}`);
    expect(items.body.map((i: { serialNumber: string }) => i.serialNumber).sort()).toEqual(
      DEMO_CONFIGURATION_ITEMS.map((i) => i.serialNumber).sort(),
    );
    expect((await call('GET', '/api/cmdb/items/SN-PE740-0001')).body).toMatchObject({
      ownerTeam: 'Core Banking Infrastructure',
      location: expect.stringContaining('rack'),
    });
    expect((await call('GET', '/api/cmdb/items/NOPE')).status).toBe(404);
  });

  it('creates, updates and comments tickets, and lists every change after a cursor in order', async () => {
    const [{ seq: before }] = (await call('GET', '/api/changes?limit=1000')).body.slice(-1);
    const created = await call('POST', '/api/tickets', {
      shortDescription: 'PSU amber',
      assignmentGroup: 'DC Ops',
      correlationId: 'hub-incident-1',
      configurationItem: 'SN-2288H-0001',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ number: expect.stringMatching(/^INC\d{7}$/), state: 'NEW', priority: 3, comments: [] });
    const number = created.body.number as string;
    expect((await call('PATCH', `/api/tickets/${number}`, { state: 'IN_PROGRESS' })).body.state).toBe('IN_PROGRESS');
    expect((await call('POST', `/api/tickets/${number}/comments`, { author: 'hub', body: 'Engineer on the way' })).status).toBe(201);
    expect((await call('GET', `/api/tickets/${number}`)).body.comments).toEqual([
      expect.objectContaining({ author: 'hub', body: 'Engineer on the way' }),
    ]);
    expect((await call('GET', '/api/tickets?correlationId=hub-incident-1')).body.map((t: { number: string }) => t.number)).toEqual([
      number,
    ]);

    const changes = (await call('GET', `/api/changes?afterSeq=${before}`)).body;
    expect(
      changes.map((c: { ticketNumber: string; field: string; oldValue: string | null; newValue: string | null; changedBy: string }) => [
        c.ticketNumber,
        c.field,
        c.oldValue,
        c.newValue,
        c.changedBy,
      ]),
    ).toEqual([
      [number, 'created', null, 'NEW', 'sync'],
      [number, 'state', 'NEW', 'IN_PROGRESS', 'sync'],
      [number, 'comment', null, 'Engineer on the way', 'sync'],
    ]);
    expect((await call('GET', `/api/changes?afterSeq=${changes[2].seq}`)).body).toEqual([]);
  });

  it('answers bad input with 400 and an unknown ticket with 404, changing nothing', async () => {
    const before = (await call('GET', '/api/changes?limit=1000')).body.length;
    const bad = await call('POST', '/api/tickets', { shortDescription: '', state: 'OPEN' });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/shortDescription/);
    expect((await call('PATCH', '/api/tickets/INC9999999', { state: 'CLOSED' })).status).toBe(404);
    expect((await call('POST', '/api/tickets/INC9999999/comments', { author: 'x', body: 'y' })).status).toBe(404);
    expect((await call('GET', '/api/tickets?updatedSince=yesterday')).status).toBe(400);
    expect((await call('GET', '/api/changes?limit=1000')).body.length).toBe(before);
  });
});
