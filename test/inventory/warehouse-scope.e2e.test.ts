import { Role } from '../../src/platform/auth/principal';
import { collect, startTestHub, TestHub } from '../support/hub';
import { createPart, createWorld, receive, RESERVE, stockLevel, uniqueKey, World } from './fixtures';

describe('WAREHOUSE keys act on their own depot only', () => {
  let t: TestHub;
  let w: World;
  let keyA: string;
  let keyB: string;

  beforeAll(async () => {
    t = await startTestHub();
    w = await createWorld(t, 'SCOPE');
    keyA = await t.createKey(Role.WAREHOUSE, w.depotA);
    keyB = await t.createKey(Role.WAREHOUSE, w.depotB);
    await createPart(t, 'SCOPE-PSU');
    await receive(t, w.depotA, 'SCOPE-PSU', 5);
    await receive(t, w.depotB, 'SCOPE-PSU', 5);
  });
  afterAll(() => t?.stop());

  it('cannot reserve in another depot and changes nothing there', async () => {
    const other = await t.gql(
      RESERVE,
      { i: { depotId: w.depotB, partNumber: 'SCOPE-PSU', quantity: 1, incidentId: w.incidentId, idempotencyKey: uniqueKey('s') } },
      keyA,
    );
    expect(other.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(await stockLevel(t, w.depotB, 'SCOPE-PSU')).toMatchObject({ reserved: 0 });
    const own = await t.gql(
      RESERVE,
      { i: { depotId: w.depotA, partNumber: 'SCOPE-PSU', quantity: 1, incidentId: w.incidentId, idempotencyKey: uniqueKey('s') } },
      keyA,
    );
    expect(own.errors).toBeUndefined();
  });

  it("does not see another depot's stock, movements, reservations or depot", async () => {
    const levels = await t.ok(`{ stockLevels { depot { id } } }`, {}, keyA);
    expect(levels.stockLevels.map((l: any) => l.depot.id)).toEqual([w.depotA]);
    const filtered = await t.ok(`query($f: StockFilter) { stockLevels(filter: $f) { id } }`, { f: { depotId: w.depotB } }, keyA);
    expect(filtered.stockLevels).toEqual([]);
    const movements = await t.ok(`{ stockMovements(first: 100) { edges { node { depotId } } } }`, {}, keyA);
    expect(new Set(movements.stockMovements.edges.map((e: any) => e.node.depotId))).toEqual(new Set([w.depotA]));
    expect((await t.ok(`{ depots { id } }`, {}, keyA)).depots).toEqual([{ id: w.depotA }]);

    const inB = await t.ok(
      RESERVE,
      { i: { depotId: w.depotB, partNumber: 'SCOPE-PSU', quantity: 1, rmaNumber: 'RMA-B', idempotencyKey: uniqueKey('b') } },
      keyB,
    );
    const peek = await t.gql(`query($id: ID!) { reservation(id: $id) { id } }`, { id: inB.reserveParts.id }, keyA);
    expect(peek.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const release = await t.gql(`mutation($id: ID!) { releaseReservation(id: $id) { id } }`, { id: inB.reserveParts.id }, keyA);
    expect(release.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const spares = await t.ok(
      `query($partNumber: String!, $siteId: ID!, $deadline: DateTimeISO!) { findSpare(partNumber: $partNumber, siteId: $siteId, deadline: $deadline) { depot { id } } }`,
      { partNumber: 'SCOPE-PSU', siteId: w.northSiteId, deadline: new Date(Date.now() + 3600_000).toISOString() },
      keyA,
    );
    expect(spares.findSpare).toEqual([{ depot: { id: w.depotA } }]);
  });

  it('leaves master data to staff and keeps other roles out of stock', async () => {
    const policy = await t.gql(
      `mutation($i: SetReorderPolicyInput!) { setReorderPolicy(input: $i) { id } }`,
      { i: { depotId: w.depotA, partNumber: 'SCOPE-PSU', reorderPoint: 1, reorderQuantity: 1 } },
      keyA,
    );
    expect(policy.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const customerKey = await t.createKey(Role.CUSTOMER, w.customerId);
    const stock = await t.gql(`{ stockLevels { id } }`, {}, customerKey);
    expect(stock.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.ok(`{ parts { partNumber } }`, {}, customerKey)).parts).toEqual([{ partNumber: 'SCOPE-PSU' }]);
    expect((await t.ok(`{ depots { id } }`, {}, customerKey)).depots).toEqual([]);
  });

  it('sends to another depot, which alone books the transfer in', async () => {
    const sent = await t.ok(
      `mutation($i: TransferStockInput!) { transferStock(input: $i) { id } }`,
      { i: { fromDepotId: w.depotA, toDepotId: w.depotB, partNumber: 'SCOPE-PSU', quantity: 1 } },
      keyA,
    );
    const byA = await t.gql(`mutation($id: ID!) { receiveTransfer(id: $id) { status } }`, { id: sent.transferStock.id }, keyA);
    expect(byA.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const seenByB = await t.ok(`{ transfers { id status } }`, {}, keyB);
    expect(seenByB.transfers).toEqual([{ id: sent.transferStock.id, status: 'IN_TRANSIT' }]);
    const byB = await t.ok(`mutation($id: ID!) { receiveTransfer(id: $id) { status } }`, { id: sent.transferStock.id }, keyB);
    expect(byB.receiveTransfer.status).toBe('RECEIVED');
  });

  it("streams a depot's alerts to its own key only", async () => {
    await t.ok(`mutation($i: SetReorderPolicyInput!) { setReorderPolicy(input: $i) { id } }`, {
      i: { depotId: w.depotB, partNumber: 'SCOPE-PSU', reorderPoint: 10, reorderQuantity: 5 },
    }); // B is already below 10: that alert is raised now, before anyone subscribes.
    const SUB = `subscription($d: ID!) { stockAlert(depotId: $d) { kind depotId partNumber } }`;
    const spyA = collect(t.wsClient(keyA), SUB, { d: w.depotB });
    const ownB = collect(t.wsClient(keyB), SUB, { d: w.depotB });
    await new Promise((r) => setTimeout(r, 300));
    // Recover above the point (clears), then drop below it again (raises).
    await receive(t, w.depotB, 'SCOPE-PSU', 20);
    await t.ok(RESERVE, {
      i: { depotId: w.depotB, partNumber: 'SCOPE-PSU', quantity: 20, incidentId: w.incidentId, idempotencyKey: uniqueKey('sub') },
    });
    const [event] = await ownB.waitFor(1);
    expect(event.data).toEqual({ stockAlert: { kind: 'LOW_STOCK', depotId: w.depotB, partNumber: 'SCOPE-PSU' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(spyA.events).toEqual([]);
  });
});
