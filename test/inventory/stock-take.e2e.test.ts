import { Role } from '../../src/platform/auth/principal';
import { startTestHub, TestHub } from '../support/hub';
import { createPart, createWorld, receive, RESERVE, stockLevel, unexplainedStock, uniqueKey, World } from './fixtures';

const RECORD = `mutation($i: RecordStockTakeInput!) {
  recordStockTake(input: $i) { id status lines { partNumber condition bookQuantity countedQuantity difference status movementId } }
}`;
const LOW_ALERTS = `query($f: StockAlertFilter) { stockAlerts(filter: $f) { totalCount edges { node { partNumber available status } } } }`;
const ADJUSTMENTS = `query($f: MovementFilter) { stockMovements(filter: $f) { totalCount edges { node { onHandDelta reason stockTakeId } } } }`;

describe('stock-takes', () => {
  let t: TestHub;
  let w: World;
  let warehouseKey: string;

  beforeAll(async () => {
    t = await startTestHub();
    w = await createWorld(t, 'TAKE');
    warehouseKey = await t.createKey(Role.WAREHOUSE, w.depotA);
  });
  afterAll(() => t?.stop());

  it('books a small difference as one adjustment and raises the low-stock alert once, however often it is re-submitted', async () => {
    await createPart(t, 'TAKE-PSU');
    await receive(t, w.depotA, 'TAKE-PSU', 20);
    await t.ok(`mutation($i: SetReorderPolicyInput!) { setReorderPolicy(input: $i) { id } }`, {
      i: { depotId: w.depotA, partNumber: 'TAKE-PSU', reorderPoint: 20, reorderQuantity: 10 },
    });
    const input = {
      depotId: w.depotA,
      idempotencyKey: uniqueKey('take'),
      reason: 'monthly count, aisle 4',
      lines: [{ partNumber: 'TAKE-PSU', condition: 'NEW', countedQuantity: 19 }],
    };
    const first = await t.ok(RECORD, { i: input }, warehouseKey);
    expect(first.recordStockTake.status).toBe('COMPLETED');
    expect(first.recordStockTake.lines).toEqual([
      expect.objectContaining({ partNumber: 'TAKE-PSU', bookQuantity: 20, countedQuantity: 19, difference: -1, status: 'APPLIED' }),
    ]);
    // Re-submitted (a retry, sequential and concurrent): nothing changes.
    const retries = await Promise.all(Array.from({ length: 5 }, () => t.gql(RECORD, { i: input }, warehouseKey)));
    expect(retries.map((r) => r.data?.recordStockTake.id)).toEqual(Array(5).fill(first.recordStockTake.id));
    await t.ok(RECORD, { i: input }, warehouseKey);

    expect(await stockLevel(t, w.depotA, 'TAKE-PSU')).toMatchObject({ onHand: 19, available: 19, alertOpen: true });
    const adjustments = await t.ok(ADJUSTMENTS, { f: { partNumber: 'TAKE-PSU', type: 'ADJUSTMENT' } });
    expect(adjustments.stockMovements.totalCount).toBe(1);
    expect(adjustments.stockMovements.edges[0].node).toMatchObject({ onHandDelta: -1, stockTakeId: first.recordStockTake.id });
    expect(adjustments.stockMovements.edges[0].node.reason).toContain('monthly count, aisle 4');
    // Further consumption below the point does not raise a second alert.
    await t.ok(RESERVE, {
      i: { depotId: w.depotA, partNumber: 'TAKE-PSU', quantity: 2, incidentId: w.incidentId, idempotencyKey: uniqueKey('t') },
    });
    const alerts = await t.ok(LOW_ALERTS, { f: { depotId: w.depotA, kind: 'LOW_STOCK' } });
    expect(alerts.stockAlerts.edges.map((e: any) => e.node)).toEqual([{ partNumber: 'TAKE-PSU', available: 19, status: 'OPEN' }]);

    const changed = await t.gql(
      RECORD,
      { i: { ...input, lines: [{ partNumber: 'TAKE-PSU', condition: 'NEW', countedQuantity: 18 }] } },
      warehouseKey,
    );
    expect(changed.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
    expect(await unexplainedStock(t)).toEqual([]);
  });

  it('holds a large difference for approval by an operator; the warehouse cannot approve it', async () => {
    await createPart(t, 'TAKE-DIMM');
    await createPart(t, 'TAKE-FAN');
    await receive(t, w.depotA, 'TAKE-DIMM', 50);
    await receive(t, w.depotA, 'TAKE-FAN', 10);
    const recorded = await t.ok(
      RECORD,
      {
        i: {
          depotId: w.depotA,
          idempotencyKey: uniqueKey('big'),
          reason: 'quarterly count',
          lines: [
            { partNumber: 'TAKE-DIMM', condition: 'NEW', countedQuantity: 40 },
            { partNumber: 'TAKE-FAN', condition: 'NEW', countedQuantity: 10 },
          ],
        },
      },
      warehouseKey,
    );
    expect(recorded.recordStockTake.status).toBe('PENDING_APPROVAL');
    const byPart = Object.fromEntries(recorded.recordStockTake.lines.map((l: any) => [l.partNumber, l]));
    expect(byPart['TAKE-DIMM']).toMatchObject({ difference: -10, status: 'PENDING_APPROVAL', movementId: null });
    expect(byPart['TAKE-FAN']).toMatchObject({ difference: 0, status: 'MATCHED' });
    expect(await stockLevel(t, w.depotA, 'TAKE-DIMM')).toMatchObject({ onHand: 50 });

    const APPROVE = `mutation($id: ID!) { approveStockTake(id: $id) { status decidedBy lines { partNumber status movementId } } }`;
    const byWarehouse = await t.gql(APPROVE, { id: recorded.recordStockTake.id }, warehouseKey);
    expect(byWarehouse.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const operatorKey = await t.createKey(Role.OPERATOR);
    const approved = await t.ok(APPROVE, { id: recorded.recordStockTake.id }, operatorKey);
    expect(approved.approveStockTake.status).toBe('COMPLETED');
    expect(approved.approveStockTake.lines.find((l: any) => l.partNumber === 'TAKE-DIMM')).toMatchObject({ status: 'APPLIED' });
    // Approving twice adjusts once.
    await t.ok(APPROVE, { id: recorded.recordStockTake.id }, operatorKey);
    expect(await stockLevel(t, w.depotA, 'TAKE-DIMM')).toMatchObject({ onHand: 40 });
    const adjustments = await t.ok(ADJUSTMENTS, { f: { partNumber: 'TAKE-DIMM', type: 'ADJUSTMENT' } });
    expect(adjustments.stockMovements.totalCount).toBe(1);
    expect(await unexplainedStock(t)).toEqual([]);
  });

  it('waits for approval when fewer units are counted than are reserved, and rejection books nothing', async () => {
    await createPart(t, 'TAKE-HDD');
    await receive(t, w.depotA, 'TAKE-HDD', 100);
    await t.ok(RESERVE, {
      i: { depotId: w.depotA, partNumber: 'TAKE-HDD', quantity: 99, rmaNumber: 'RMA-BIG', idempotencyKey: uniqueKey('r') },
    });
    const recorded = await t.ok(RECORD, {
      i: {
        depotId: w.depotA,
        idempotencyKey: uniqueKey('below'),
        reason: 'spot check',
        lines: [{ partNumber: 'TAKE-HDD', countedQuantity: 97 }],
      },
    });
    expect(recorded.recordStockTake.status).toBe('PENDING_APPROVAL');
    const approve = await t.gql(`mutation($id: ID!) { approveStockTake(id: $id) { status } }`, { id: recorded.recordStockTake.id });
    expect(approve.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reserved: 99 });
    const rejected = await t.ok(`mutation($id: ID!) { rejectStockTake(id: $id) { status lines { status } } }`, {
      id: recorded.recordStockTake.id,
    });
    expect(rejected.rejectStockTake).toEqual({ status: 'REJECTED', lines: [{ status: 'REJECTED' }] });
    expect(await stockLevel(t, w.depotA, 'TAKE-HDD')).toMatchObject({ onHand: 100, reserved: 99, available: 1 });
    expect(await unexplainedStock(t)).toEqual([]);
  });
});
