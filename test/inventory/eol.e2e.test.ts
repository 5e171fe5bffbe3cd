import { Role } from '../../src/platform/auth/principal';
import { eventually, startTestHub, TestHub } from '../support/hub';
import { createPart } from './fixtures';

const ANNOUNCE = `mutation($i: AnnouncePartEolInput!) { announcePartEol(input: $i) { partNumber lifecycle endOfSupply } }`;
const months = (n: number) => {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString();
};

describe('part end of life', () => {
  let t: TestHub;
  const customers: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestHub();
    const register = async (code: string, devices: Array<[string, string]>) => {
      const c = await t.ok(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }`, { i: { code, name: code } });
      customers[code] = c.createCustomer.id;
      const s = await t.ok(`mutation($i: CreateSiteInput!) { createSite(input: $i) { id } }`, {
        i: { customerId: c.createCustomer.id, name: `${code} DC`, city: 'Shanghai', region: 'CN-EAST' },
      });
      for (const [serialNumber, model] of devices)
        await t.ok(`mutation($i: RegisterDeviceInput!) { registerDevice(input: $i) { id } }`, {
          i: { serialNumber, vendor: 'Acme', model, siteId: s.createSite.id },
        });
    };
    await register('EOL-ONE', [
      ['EOL-1-A', 'Storage 9000'],
      ['EOL-1-B', 'Storage 9000'],
    ]);
    await register('EOL-TWO', [['EOL-2-A', 'Storage 9100']]);
    await register('EOL-GONE', [['EOL-3-A', 'Storage 9000']]);
    await register('EOL-OTHER', [['EOL-4-A', 'Switch 48']]);
    // A decommissioned unit needs no spares.
    await t.app.hub.db.manager.query(`UPDATE devices SET active = 0 WHERE serialNumber = ?`, ['EOL-3-A']);
    await createPart(t, 'EOL-CTRL', ['Storage 9000', 'Storage 9100']);
    await createPart(t, 'EOL-FAST', ['Switch 48']);
  });
  afterAll(() => t?.stop());

  const eolNotices = async () => {
    const data = await t.ok(`{ notices(first: 200) { customerId kind title body } }`);
    return (data.notices as Array<{ customerId: string; kind: string; title: string; body: string }>).filter(
      (n) => n.kind === 'END_OF_LIFE',
    );
  };

  it('refuses less than six months notice with a typed error and notifies nobody', async () => {
    const result = await t.gql(ANNOUNCE, { i: { partNumber: 'EOL-CTRL', endOfSupply: months(3) } });
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'PARTS_POLICY_VIOLATION',
      reason: 'EOL_NOTICE_TOO_SHORT',
      requiredNoticeMonths: 6,
    });
    expect(await eolNotices()).toEqual([]);
    const part = await t.ok(`{ part(partNumber: "EOL-CTRL") { lifecycle endOfSupply } }`);
    expect(part.part).toEqual({ lifecycle: 'ACTIVE', endOfSupply: null });
  });

  it('notifies every customer with an affected active device, and no other, once', async () => {
    const endOfSupply = months(7);
    const announced = await t.ok(ANNOUNCE, { i: { partNumber: 'EOL-CTRL', endOfSupply, note: 'Successor: EOL-CTRL2' } });
    expect(announced.announcePartEol).toMatchObject({ lifecycle: 'EOL_ANNOUNCED', endOfSupply });
    await t.ok(ANNOUNCE, { i: { partNumber: 'EOL-CTRL', endOfSupply } });

    const notices = await eolNotices();
    expect(notices.map((n) => n.customerId).sort()).toEqual([customers['EOL-ONE'], customers['EOL-TWO']].sort());
    const one = notices.find((n) => n.customerId === customers['EOL-ONE'])!;
    expect(one.title).toContain('EOL-CTRL');
    expect(one.body).toContain('EOL-1-A, EOL-1-B');
    expect(one.body).toContain('Successor: EOL-CTRL2');
    expect(one.body).not.toContain('EOL-2-A');

    const customerKey = await t.createKey(Role.CUSTOMER, customers['EOL-TWO']);
    const own = await t.ok(`{ notices { kind body } }`, {}, customerKey);
    expect(own.notices).toEqual([{ kind: 'END_OF_LIFE', body: expect.stringContaining('EOL-2-A') }]);
  });

  it('reports the affected installed base, scoped for a customer key', async () => {
    const IMPACT = `{ eolImpact(partNumber: "EOL-CTRL") { deviceCount customerCount customers { customer { code } deviceCount devices { serialNumber } } } }`;
    const all = await t.ok(IMPACT);
    expect(all.eolImpact.deviceCount).toBe(3);
    expect(all.eolImpact.customers.map((c: any) => [c.customer.code, c.devices.map((d: any) => d.serialNumber)]).sort()).toEqual([
      ['EOL-ONE', ['EOL-1-A', 'EOL-1-B']],
      ['EOL-TWO', ['EOL-2-A']],
    ]);
    const customerKey = await t.createKey(Role.CUSTOMER, customers['EOL-ONE']);
    const own = await t.ok(IMPACT, {}, customerKey);
    expect(own.eolImpact).toMatchObject({ deviceCount: 2, customerCount: 1, customers: [{ customer: { code: 'EOL-ONE' } }] });
  });

  it('announces with short notice when forced; the catalogue stays readable by every key', async () => {
    await t.ok(ANNOUNCE, { i: { partNumber: 'EOL-FAST', endOfSupply: months(1), force: true } });
    expect((await eolNotices()).filter((n) => n.customerId === customers['EOL-OTHER'])).toHaveLength(1);
    const partnerKey = await t.createKey(
      Role.PARTNER,
      (
        await t.ok(`mutation($input: CreateSupportCentreInput!) { createSupportCentre(input: $input) { id } }`, {
          input: { code: 'LC-EOL', name: 'Partner centre', region: 'East', tier: 3 },
        })
      ).createSupportCentre.id,
    );
    const parts = await t.ok(`{ parts(filter: { lifecycle: EOL_ANNOUNCED }) { partNumber fitsModels } }`, {}, partnerKey);
    expect(parts.parts).toEqual([
      { partNumber: 'EOL-CTRL', fitsModels: ['Storage 9000', 'Storage 9100'] },
      { partNumber: 'EOL-FAST', fitsModels: ['Switch 48'] },
    ]);
    const forbidden = await t.gql(ANNOUNCE, { i: { partNumber: 'EOL-FAST', endOfSupply: months(8) } }, partnerKey);
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('discontinues the part when supply ends', async () => {
    await createPart(t, 'EOL-GONE-NOW', ['Nothing installed']);
    await t.ok(ANNOUNCE, { i: { partNumber: 'EOL-GONE-NOW', endOfSupply: new Date(Date.now() + 500).toISOString(), force: true } });
    const part = await eventually(
      () => t.ok(`{ part(partNumber: "EOL-GONE-NOW") { lifecycle } }`),
      (d) => d.part.lifecycle !== 'EOL_ANNOUNCED',
    );
    expect(part.part.lifecycle).toBe('DISCONTINUED');
    const again = await t.gql(ANNOUNCE, { i: { partNumber: 'EOL-GONE-NOW', endOfSupply: months(9) } });
    expect(again.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
  });
});
