import { Role } from '../../src/platform/auth/principal';
import { AppError } from '../../src/platform/errors';
import { Loan, Loaner } from '../../src/modules/loaners/loaner.entity';
import { LoanersService } from '../../src/modules/loaners/loaners.service';
import { Notice } from '../../src/modules/notices/notice.entity';
import { NoticeKind } from '../../src/modules/notices/notice.entity';
import { NoticesService } from '../../src/modules/notices/notices.service';
import { collect, eventually, startTestHub, TestHub } from '../support/hub';
import { createWorld, World } from '../inventory/fixtures';

const ASSIGN = `mutation($i: AssignLoanerInput!) {
  assignLoaner(input: $i) { id status match deviceSerial rmaNumber loaner { serialNumber state depot { id } } }
}`;

describe('loaner pool', () => {
  let t: TestHub;
  let w: World;

  const device = (serialNumber: string, model: string, equivalenceClass: string, siteId: string) =>
    t.ok(`mutation($i: RegisterDeviceInput!) { registerDevice(input: $i) { id } }`, {
      i: { serialNumber, vendor: 'Acme', model, equivalenceClass, siteId },
    });
  const loaner = (serialNumber: string, model: string, equivalenceClass: string, depotId: string) =>
    t.ok(`mutation($i: RegisterLoanerInput!) { registerLoaner(input: $i) { id state } }`, {
      i: { serialNumber, vendor: 'Acme', model, equivalenceClass, depotId },
    });
  const assign = (deviceSerial: string, rmaNumber: string, key?: string) => t.gql(ASSIGN, { i: { deviceSerial, rmaNumber } }, key);

  beforeAll(async () => {
    t = await startTestHub();
    w = await createWorld(t, 'LN');
  });
  afterAll(() => t?.stop());

  it('prefers the same model, even from a farther depot, over an equivalent', async () => {
    await device('D-S1', 'Server S1', '2U-S', w.eastSiteId);
    await loaner('L-S1-B', 'Server S1', '2U-S', w.depotB);
    await loaner('L-S2-A', 'Server S2', '2U-S', w.depotA);
    const { data } = await assign('D-S1', 'RMA-S1');
    expect(data!.assignLoaner).toMatchObject({
      status: 'RESERVED',
      match: 'SAME_MODEL',
      loaner: { serialNumber: 'L-S1-B', state: 'RESERVED' },
    });
  });

  it('takes the same model from the depot nearest the unit', async () => {
    await device('D-N1-EAST', 'Server N1', '2U-N', w.eastSiteId);
    await device('D-N1-NORTH', 'Server N1', '2U-N', w.northSiteId);
    await loaner('L-N1-B', 'Server N1', '2U-N', w.depotB);
    await loaner('L-N1-A', 'Server N1', '2U-N', w.depotA);
    const north = await assign('D-N1-NORTH', 'RMA-N1-N');
    expect(north.data!.assignLoaner.loaner).toMatchObject({ serialNumber: 'L-N1-B', depot: { id: w.depotB } });
    const east = await assign('D-N1-EAST', 'RMA-N1-E');
    expect(east.data!.assignLoaner.loaner).toMatchObject({ serialNumber: 'L-N1-A', depot: { id: w.depotA } });
  });

  it('falls back to an equivalent unit, and says so when none is left', async () => {
    await device('D-E1', 'Server E1', '2U-E', w.eastSiteId);
    await device('D-E1-2', 'Server E1', '2U-E', w.eastSiteId);
    await loaner('L-E2-B', 'Server E2', '2U-E', w.depotB);
    await loaner('L-X-A', 'Switch X', 'TOR', w.depotA);
    const first = await assign('D-E1', 'RMA-E1');
    expect(first.data!.assignLoaner).toMatchObject({ match: 'EQUIVALENT', loaner: { serialNumber: 'L-E2-B' } });
    const none = await assign('D-E1-2', 'RMA-E1-2');
    expect(none.errors?.[0].extensions).toMatchObject({ code: 'INSUFFICIENT_STOCK', resource: 'LOANER', model: 'Server E1' });
  });

  it('never gives one loaner to two concurrent assignments', async () => {
    for (let i = 0; i < 6; i++) await device(`D-C-${i}`, 'Server C1', '2U-C', i % 2 ? w.eastSiteId : w.northSiteId);
    await loaner('L-C1-A', 'Server C1', '2U-C', w.depotA);
    await loaner('L-C1-B', 'Server C1', '2U-C', w.depotB);
    await loaner('L-C2-A', 'Server C2', '2U-C', w.depotA);
    await loaner('L-C2-B', 'Server C2', '2U-C', w.depotB);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => assign(`D-C-${i}`, `RMA-C-${i}`)));
    const ok = results.filter((r) => r.data?.assignLoaner).map((r) => r.data!.assignLoaner);
    expect(ok).toHaveLength(4);
    expect(new Set(ok.map((l) => l.loaner.serialNumber))).toEqual(new Set(['L-C1-A', 'L-C1-B', 'L-C2-A', 'L-C2-B']));
    expect(results.filter((r) => r.errors?.[0].extensions?.code === 'INSUFFICIENT_STOCK')).toHaveLength(2);
    // Both same-model units went out before any equivalent one.
    expect(
      ok
        .filter((l) => l.match === 'SAME_MODEL')
        .map((l) => l.loaner.serialNumber)
        .sort(),
    ).toEqual(['L-C1-A', 'L-C1-B']);
  });

  it('gives one loan for one repair, however often (and concurrently) it is asked for', async () => {
    await device('D-R1', 'Server R1', '2U-R', w.eastSiteId);
    await loaner('L-R1-A', 'Server R1', '2U-R', w.depotA);
    await loaner('L-R1-A2', 'Server R1', '2U-R', w.depotA);
    const results = await Promise.all(Array.from({ length: 8 }, () => assign('D-R1', 'RMA-R1')));
    expect(results.filter((r) => r.errors)).toEqual([]);
    expect(new Set(results.map((r) => r.data!.assignLoaner.id)).size).toBe(1);
    const pool = await t.ok(`query($f: LoanerFilter) { loaners(filter: $f) { serialNumber state } }`, { f: { model: 'Server R1' } });
    expect(pool.loaners.map((l: any) => l.state).sort()).toEqual(['AVAILABLE', 'RESERVED']);
    const other = await assign('D-R1', 'RMA-OTHER');
    expect(other.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', rmaNumber: 'RMA-R1' });
  });

  it('follows a loan from delivery to return; an overdue loan raises one alert', async () => {
    await device('D-L1', 'Server L1', '2U-L', w.eastSiteId);
    await loaner('L-L1-A', 'Server L1', '2U-L', w.depotA);
    const keyA = await t.createKey(Role.WAREHOUSE, w.depotA);
    const keyB = await t.createKey(Role.WAREHOUSE, w.depotB);
    const updates = collect(t.wsClient(keyA), `subscription { loanerUpdated { serialNumber state } }`);
    const spyB = collect(t.wsClient(keyB), `subscription { loanerUpdated { serialNumber state } }`);
    await new Promise((r) => setTimeout(r, 300));

    const loan = (await assign('D-L1', 'RMA-L1')).data!.assignLoaner;
    const notMine = await t.gql(`mutation($id: ID!) { shipLoaner(loanId: $id) { status } }`, { id: loan.id }, keyB);
    expect(notMine.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await t.ok(`mutation($id: ID!) { shipLoaner(loanId: $id) { status } }`, { id: loan.id }, keyA)).shipLoaner.status).toBe(
      'IN_TRANSIT',
    );
    expect((await t.ok(`mutation($id: ID!) { deliverLoaner(loanId: $id) { status } }`, { id: loan.id }, keyA)).deliverLoaner.status).toBe(
      'ON_LOAN',
    );

    const dueBackAt = new Date(Date.now() + 1000).toISOString();
    await t.ok(`mutation($id: ID!, $at: DateTimeISO!) { setLoanDueBack(loanId: $id, dueBackAt: $at) { dueBackAt } }`, {
      id: loan.id,
      at: dueBackAt,
    });
    const ALERTS = `query($f: StockAlertFilter) { stockAlerts(filter: $f) { edges { node { kind status loanId } } } }`;
    const overdue = await eventually(
      () => t.ok(ALERTS, { f: { depotId: w.depotA, kind: 'LOAN_OVERDUE' } }, keyA),
      (d) => d.stockAlerts.edges.length > 0,
    );
    expect(overdue.stockAlerts.edges.map((e: any) => e.node)).toEqual([{ kind: 'LOAN_OVERDUE', status: 'OPEN', loanId: loan.id }]);
    const overdueLoans = await t.ok(`{ loans(filter: { overdueOnly: true }) { edges { node { id overdue } } } }`);
    expect(overdueLoans.loans.edges.map((e: any) => e.node)).toEqual([{ id: loan.id, overdue: true }]);

    const returned = await t.ok(
      `mutation($id: ID!) { returnLoaner(loanId: $id) { status returnedAt loaner { state } } }`,
      { id: loan.id },
      keyA,
    );
    expect(returned.returnLoaner).toMatchObject({ status: 'RETURNED', loaner: { state: 'MAINTENANCE' } });
    const resolved = await t.ok(ALERTS, { f: { depotId: w.depotA, kind: 'LOAN_OVERDUE' } });
    expect(resolved.stockAlerts.edges.map((e: any) => e.node.status)).toEqual(['RESOLVED']);
    await t.ok(`mutation { setLoanerState(serialNumber: "L-L1-A", state: AVAILABLE) { state } }`, {}, keyA);

    const states = (await updates.waitFor(5)).map((e) => e.data?.loanerUpdated.state);
    expect(states).toEqual(['RESERVED', 'IN_TRANSIT', 'ON_LOAN', 'MAINTENANCE', 'AVAILABLE']);
    await new Promise((r) => setTimeout(r, 200));
    expect(spyB.events).toEqual([]);
  });

  it("shows a customer its own organisation's loans only", async () => {
    const other = await t.ok(`mutation { createCustomer(input: { code: "LN-OTHER", name: "Other" }) { id } }`);
    const otherKey = await t.createKey(Role.CUSTOMER, other.createCustomer.id);
    const ownKey = await t.createKey(Role.CUSTOMER, w.customerId);
    const LOANS = `{ loans(first: 100) { totalCount edges { node { customer { id } device { serialNumber } loaner { serialNumber } } } } }`;
    const own = await t.ok(LOANS, {}, ownKey);
    expect(own.loans.totalCount).toBeGreaterThan(0);
    expect(new Set(own.loans.edges.map((e: any) => e.node.customer.id))).toEqual(new Set([w.customerId]));
    expect((await t.ok(LOANS, {}, otherKey)).loans.totalCount).toBe(0);
    const assignAsCustomer = await assign('D-S1', 'RMA-X', ownKey);
    expect(assignAsCustomer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('proposeAndAssign joins the caller’s transaction: kept on commit, gone on rollback, and a refusal leaves the caller free', async () => {
    await device('D-T1', 'Server T1', '2U-T', w.eastSiteId);
    await loaner('L-T1-A', 'Server T1', '2U-T', w.depotA);
    const hub = t.app.hub;
    const service = hub.get(LoanersService);

    await expect(
      hub.db.transaction(async (tx) => {
        await service.proposeAndAssign(tx, { rmaNumber: 'RMA-T1', deviceSerial: 'D-T1', customerId: w.customerId });
        throw new Error('the RMA could not be saved');
      }),
    ).rejects.toThrow('the RMA could not be saved');
    expect(await hub.db.manager.findOneBy(Loan, { rmaNumber: 'RMA-T1' })).toBeNull();
    expect((await hub.db.manager.findOneByOrFail(Loaner, { serialNumber: 'L-T1-A' })).state).toBe('AVAILABLE');

    const loan = await hub.db.transaction((tx) =>
      service.proposeAndAssign(tx, { rmaNumber: 'RMA-T1', deviceSerial: 'D-T1', customerId: w.customerId }),
    );
    expect(loan).toMatchObject({ rmaNumber: 'RMA-T1', status: 'RESERVED', matchKind: 'SAME_MODEL', customerId: w.customerId });

    // No loaner left for a second unit: the caller catches the typed error and its own write still commits.
    await device('D-T2', 'Server T1', '2U-T', w.eastSiteId);
    const notice = await hub.db.transaction(async (tx) => {
      const refusal = await service.proposeAndAssign(tx, { rmaNumber: 'RMA-T2', deviceSerial: 'D-T2' }).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(AppError);
      expect((refusal as AppError).code).toBe('INSUFFICIENT_STOCK');
      const [published] = await hub.get(NoticesService).publish(
        {
          customerIds: [w.customerId],
          kind: NoticeKind.SERVICE_INFO,
          title: 'Loaner delayed',
          body: 'No loaner free yet',
          publishedBy: 'rma',
        },
        tx,
      );
      return published;
    });
    expect(await hub.db.manager.findOneBy(Notice, { id: notice.id })).not.toBeNull();

    const wrongCustomer = await service
      .proposeAndAssign(undefined, { rmaNumber: 'RMA-T3', deviceSerial: 'D-T2', customerId: 'nope' })
      .catch((e) => e);
    expect((wrongCustomer as AppError).code).toBe('BAD_USER_INPUT');
  });
});
