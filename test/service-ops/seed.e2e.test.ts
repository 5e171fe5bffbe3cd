import { startTestHub, TestHub } from '../support/hub';

describe('demo data for service operations', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: { SEED_DEMO: 'true' } });
  });
  afterAll(() => t?.stop());

  it("plans inspections for the bank and the grid, and files the bank's complaint", async () => {
    const customerKey = t.app.demoKeys!.CUSTOMER;
    const plans = await t.ok(`{ inspectionPlans { frequency preHolidayPeriods generatedThrough site { name } } }`, {}, customerKey);
    expect(plans.inspectionPlans).toEqual([
      expect.objectContaining({
        frequency: 'QUARTERLY',
        site: { name: 'Zhangjiang primary DC' },
        preHolidayPeriods: ['NEW_YEAR', 'SPRING_FESTIVAL', 'TWO_SESSIONS', 'LABOUR_DAY', 'NATIONAL_DAY'],
      }),
    ]);
    const inspections = await t.ok(
      `{ inspections(first: 50) { totalCount edges { node { kind status centre { code } } } } }`,
      {},
      customerKey,
    );
    expect(inspections.inspections.totalCount).toBeGreaterThan(0);
    expect(inspections.inspections.edges.every((e: any) => e.node.status === 'SCHEDULED' && e.node.centre)).toBe(true);
    const all = await t.ok(`{ inspectionPlans { id } complaints(first: 5) { totalCount edges { node { category status incidentId } } } }`);
    expect(all.inspectionPlans).toHaveLength(2);
    expect(all.complaints.edges).toEqual([{ node: { category: 'RESPONSE_SPEED', status: 'OPEN', incidentId: expect.any(String) } }]);
    const page = await fetch(`${t.url}/dashboard`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Service dashboard</title>');
  });
});
