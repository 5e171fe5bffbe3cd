import { startTestHub, TestHub } from '../support/hub';
import { assignToCustomer, CALM_7X24, clockOf, createContract, createWorld, report } from '../incidents/fixtures';
import { setPlan } from './fixtures';

/** A contract may promise a reply time per reporting channel (phone faster than e-mail); others keep the severity's. */
describe('response targets by reporting channel', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t?.stop());

  it("starts the response clock on the channel's target, keeps it through a severity change, falls back otherwise", async () => {
    const w = await createWorld(t);
    const contract = await createContract(t, { plan: CALM_7X24 });
    await assignToCustomer(t, contract, w.customerA);
    const plan = await setPlan(t, {
      contractId: contract,
      responseByChannel: [
        { channel: 'PHONE', response: 'PT15M' },
        { channel: 'EMAIL', response: 'PT2H' },
      ],
    });
    expect(plan.responseByChannel).toEqual([
      { channel: 'PHONE', response: 'PT15M' },
      { channel: 'EMAIL', response: 'PT2H' },
    ]);

    const phone = await report(t, { deviceSerial: w.deviceA1.serial, channel: 'PHONE' });
    const email = await report(t, { deviceSerial: w.deviceA1.serial, channel: 'EMAIL' });
    const portal = await report(t, { deviceSerial: w.deviceA1.serial, channel: 'PORTAL' });
    expect(clockOf(phone, 'RESPONSE')).toMatchObject({ target: 'PT15M', budgetMs: 15 * 60_000 });
    expect(clockOf(email, 'RESPONSE')).toMatchObject({ target: 'PT2H', budgetMs: 2 * 3600_000 });
    expect(clockOf(portal, 'RESPONSE')).toMatchObject({ target: 'PT1H' });
    // The other clocks are the severity's whatever the channel.
    expect(clockOf(phone, 'RESTORE')).toMatchObject({ target: 'PT4H' });

    const raised = await t.ok(
      `mutation($id: ID!) { changeIncidentSeverity(id: $id, severity: P1, reason: "bank down") { clocks { kind target } } }`,
      { id: phone.id },
    );
    expect(clockOf(raised.changeIncidentSeverity, 'RESPONSE').target).toBe('PT15M');

    const bad = await t.gql(`mutation($i: EscalationPlanInput!) { setEscalationPlan(input: $i) { id } }`, {
      i: {
        contractId: contract,
        responseByChannel: [
          { channel: 'PHONE', response: 'P1M' },
          { channel: 'PHONE', response: 'PT5M' },
        ],
      },
    });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((bad.errors?.[0].extensions?.validation as Array<{ field: string }>).map((p) => p.field)).toEqual([
      'responseByChannel.0.response',
    ]);
  });
});
