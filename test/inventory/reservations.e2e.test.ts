import { eventually, startTestHub, TestHub } from '../support/hub';
import { createPart, createWorld, receive, RESERVE, stockLevel, unexplainedStock, uniqueKey, World } from './fixtures';

describe('reserveParts under concurrency and retries', () => {
  let t: TestHub;
  let w: World;

  beforeAll(async () => {
    t = await startTestHub();
    w = await createWorld(t, 'RSV');
  });
  afterAll(() => t?.stop());

  it('100 concurrent reservations of 10 available: exactly 10 succeed, the rest get INSUFFICIENT_STOCK', async () => {
    await createPart(t, 'RACE-PSU');
    await receive(t, w.depotA, 'RACE-PSU', 10);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        t.gql(RESERVE, {
          i: { depotId: w.depotA, partNumber: 'RACE-PSU', quantity: 1, incidentId: w.incidentId, idempotencyKey: uniqueKey(`race-${i}`) },
        }),
      ),
    );
    const ok = results.filter((r) => r.data?.reserveParts);
    const refused = results.filter((r) => r.errors?.[0]?.extensions?.code === 'INSUFFICIENT_STOCK');
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(90);
    expect(refused.every((r) => r.errors![0].extensions!.available === 0)).toBe(true);
    expect(new Set(ok.map((r) => r.data!.reserveParts.id)).size).toBe(10);

    const level = await stockLevel(t, w.depotA, 'RACE-PSU');
    expect(level).toMatchObject({ onHand: 10, reserved: 10, available: 0 });
    const movements = await t.ok(
      `query($f: MovementFilter) { stockMovements(filter: $f, first: 200) { totalCount edges { node { type reservedDelta } } } }`,
      {
        f: { stockId: level.id, type: 'RESERVATION' },
      },
    );
    expect(movements.stockMovements.totalCount).toBe(10);
    expect(await unexplainedStock(t)).toEqual([]);
  });

  it('the same idempotency key retried concurrently makes one reservation', async () => {
    await createPart(t, 'RETRY-DIMM');
    await receive(t, w.depotA, 'RETRY-DIMM', 5);
    const input = {
      depotId: w.depotA,
      partNumber: 'RETRY-DIMM',
      quantity: 2,
      rmaNumber: 'RMA-RETRY-1',
      idempotencyKey: uniqueKey('retry'),
    };
    const results = await Promise.all(Array.from({ length: 30 }, () => t.gql(RESERVE, { i: input })));
    expect(results.filter((r) => r.errors)).toEqual([]);
    expect(new Set(results.map((r) => r.data!.reserveParts.id)).size).toBe(1);
    expect(await stockLevel(t, w.depotA, 'RETRY-DIMM')).toMatchObject({ onHand: 5, reserved: 2, available: 3 });
    // A later retry (after a timeout, say) still gets the same reservation.
    const again = await t.ok(RESERVE, { i: input });
    expect(again.reserveParts.id).toBe(results[0].data!.reserveParts.id);
    const rows = await t.ok(`query($f: ReservationFilter) { reservations(filter: $f) { totalCount } }`, {
      f: { idempotencyKey: input.idempotencyKey },
    });
    expect(rows.reservations.totalCount).toBe(1);
    expect(await unexplainedStock(t)).toEqual([]);
  });

  it('answers CONFLICT when a key comes back with different parameters', async () => {
    await createPart(t, 'KEY-FAN');
    await receive(t, w.depotA, 'KEY-FAN', 5);
    const key = uniqueKey('conflict');
    await t.ok(RESERVE, { i: { depotId: w.depotA, partNumber: 'KEY-FAN', quantity: 1, incidentId: w.incidentId, idempotencyKey: key } });
    const other = await t.gql(RESERVE, {
      i: { depotId: w.depotA, partNumber: 'KEY-FAN', quantity: 2, incidentId: w.incidentId, idempotencyKey: key },
    });
    expect(other.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
    expect(await stockLevel(t, w.depotA, 'KEY-FAN')).toMatchObject({ reserved: 1 });
  });

  it('refuses bad input with typed errors and books nothing', async () => {
    await createPart(t, 'BAD-IN');
    await receive(t, w.depotA, 'BAD-IN', 3);
    const base = { depotId: w.depotA, partNumber: 'BAD-IN', quantity: 1, idempotencyKey: uniqueKey('bad') };
    const noPurpose = await t.gql(RESERVE, { i: base });
    expect(noPurpose.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const badHold = await t.gql(RESERVE, { i: { ...base, incidentId: w.incidentId, holdFor: 'two hours' } });
    expect(badHold.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'holdFor' });
    const tooMany = await t.gql(RESERVE, { i: { ...base, incidentId: w.incidentId, quantity: 4 } });
    expect(tooMany.errors?.[0].extensions).toMatchObject({ code: 'INSUFFICIENT_STOCK', available: 3, requested: 4 });
    const unknownPart = await t.gql(RESERVE, { i: { ...base, incidentId: w.incidentId, partNumber: 'NOPE' } });
    expect(unknownPart.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    // A referenced incident must exist and be visible to the caller.
    const unknownIncident = await t.gql(RESERVE, { i: { ...base, incidentId: 'not-an-incident' } });
    expect(unknownIncident.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', entity: 'Incident' });
    expect(await stockLevel(t, w.depotA, 'BAD-IN')).toMatchObject({ onHand: 3, reserved: 0 });
  });

  it('release, dispatch and delivery move the stock; a missed delivery deadline raises SPARES_LATE once', async () => {
    await createPart(t, 'FLOW-HDD');
    await receive(t, w.depotA, 'FLOW-HDD', 6);
    const reserve = (key: string, quantity: number) =>
      t.ok(RESERVE, {
        i: { depotId: w.depotA, partNumber: 'FLOW-HDD', quantity, incidentId: w.incidentId, idempotencyKey: uniqueKey(key) },
      });
    const toRelease = (await reserve('flow-a', 2)).reserveParts;
    const toShip = (await reserve('flow-b', 3)).reserveParts;
    expect(await stockLevel(t, w.depotA, 'FLOW-HDD')).toMatchObject({ onHand: 6, reserved: 5, available: 1 });

    const released = await t.ok(
      `mutation($id: ID!) { releaseReservation(id: $id, reason: "engineer fixed it without parts") { status releaseReason } }`,
      {
        id: toRelease.id,
      },
    );
    expect(released.releaseReservation).toEqual({ status: 'RELEASED', releaseReason: 'engineer fixed it without parts' });
    // Retried release: same answer, no second RELEASE movement.
    await t.ok(`mutation($id: ID!) { releaseReservation(id: $id) { status } }`, { id: toRelease.id });

    const DISPATCH = `mutation($i: DispatchReservationInput!) { dispatchReservation(input: $i) { status carrier deliveryDeadline } }`;
    const shipped = await t.ok(DISPATCH, {
      i: { reservationId: toShip.id, carrier: 'SF Express', trackingNumber: 'SF123', deliveryWithin: 'PT1S' },
    });
    expect(shipped.dispatchReservation).toMatchObject({ status: 'DISPATCHED', carrier: 'SF Express' });
    await t.ok(DISPATCH, { i: { reservationId: toShip.id, carrier: 'SF Express', deliveryWithin: 'PT1S' } });
    expect(await stockLevel(t, w.depotA, 'FLOW-HDD')).toMatchObject({ onHand: 3, reserved: 0, available: 3 });

    const dispatchReleased = await t.gql(DISPATCH, { i: { reservationId: toRelease.id, carrier: 'SF Express' } });
    expect(dispatchReleased.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');

    const lateAlerts = () =>
      t.ok(`query($f: StockAlertFilter) { stockAlerts(filter: $f) { edges { node { kind status reservationId } } } }`, {
        f: { depotId: w.depotA, kind: 'SPARES_LATE' },
      });
    const late = await eventually(lateAlerts, (d) => d.stockAlerts.edges.length > 0);
    expect(late.stockAlerts.edges.map((e: any) => e.node)).toEqual([{ kind: 'SPARES_LATE', status: 'OPEN', reservationId: toShip.id }]);

    const delivered = await t.ok(`mutation($id: ID!) { confirmDelivery(id: $id) { status deliveredAt lateAlertAt } }`, { id: toShip.id });
    expect(delivered.confirmDelivery.status).toBe('DELIVERED');
    expect(delivered.confirmDelivery.lateAlertAt).not.toBeNull();
    const after = await lateAlerts();
    expect(after.stockAlerts.edges.map((e: any) => e.node.status)).toEqual(['RESOLVED']);

    const movements = await t.ok(
      `query($f: MovementFilter) { stockMovements(filter: $f) { edges { node { type onHandDelta reservedDelta actor } } } }`,
      {
        f: { depotId: w.depotA, partNumber: 'FLOW-HDD' },
      },
    );
    expect(movements.stockMovements.edges.map((e: any) => e.node.type).sort()).toEqual(
      ['DISPATCH', 'RECEIPT', 'RELEASE', 'RESERVATION', 'RESERVATION'].sort(),
    );
    expect(await unexplainedStock(t)).toEqual([]);
  });

  it('raises a low-stock alert and one replenishment suggestion once, and clears them when stock recovers', async () => {
    await createPart(t, 'LOW-PSU');
    await receive(t, w.depotA, 'LOW-PSU', 6);
    await t.ok(`mutation($i: SetReorderPolicyInput!) { setReorderPolicy(input: $i) { reorderPoint } }`, {
      i: { depotId: w.depotA, partNumber: 'LOW-PSU', reorderPoint: 4, reorderQuantity: 10 },
    });
    for (let i = 0; i < 5; i++)
      await t.ok(RESERVE, {
        i: { depotId: w.depotA, partNumber: 'LOW-PSU', quantity: 1, incidentId: w.incidentId, idempotencyKey: uniqueKey('low') },
      });
    const alerts = await t.ok(
      `query($f: StockAlertFilter) { stockAlerts(filter: $f) { edges { node { kind status available reorderPoint partNumber } } } }`,
      {
        f: { depotId: w.depotA, kind: 'LOW_STOCK' },
      },
    );
    const mine = alerts.stockAlerts.edges.map((e: any) => e.node).filter((a: any) => a.partNumber === 'LOW-PSU');
    expect(mine).toEqual([{ kind: 'LOW_STOCK', status: 'OPEN', available: 3, reorderPoint: 4, partNumber: 'LOW-PSU' }]);
    const suggestions = await t.ok(`query { replenishmentSuggestions { partNumber quantity status } }`);
    expect(suggestions.replenishmentSuggestions.filter((s: any) => s.partNumber === 'LOW-PSU')).toEqual([
      { partNumber: 'LOW-PSU', quantity: 10, status: 'OPEN' },
    ]);
    expect(await stockLevel(t, w.depotA, 'LOW-PSU')).toMatchObject({ available: 1, alertOpen: true });

    await receive(t, w.depotA, 'LOW-PSU', 10);
    expect(await stockLevel(t, w.depotA, 'LOW-PSU')).toMatchObject({ available: 11, alertOpen: false });
    const open = await t.ok(`query { replenishmentSuggestions { partNumber } }`);
    expect(open.replenishmentSuggestions.filter((s: any) => s.partNumber === 'LOW-PSU')).toEqual([]);
  });

  it('books receipts and defective returns once per idempotency key', async () => {
    await createPart(t, 'RCV-CPU');
    const key = uniqueKey('receipt');
    const results = await Promise.all(Array.from({ length: 10 }, () => receive(t, w.depotA, 'RCV-CPU', 4, 'NEW', key)));
    expect(new Set(results.map((r) => r.receiveStock.onHand))).toEqual(new Set([4]));
    const other = await t.gql(`mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { id } }`, {
      i: { depotId: w.depotA, partNumber: 'RCV-CPU', quantity: 5, idempotencyKey: key },
    });
    expect(other.errors?.[0].extensions?.code).toBe('CONFLICT');

    const RETURN = `mutation($i: ReturnDefectivePartInput!) { returnDefectivePart(input: $i) { condition onHand available } }`;
    const input = {
      depotId: w.depotA,
      partNumber: 'RCV-CPU',
      rmaNumber: 'RMA-DEF-1',
      serialNumber: 'CPU-SN-9',
      idempotencyKey: uniqueKey('return'),
    };
    const returned = await t.ok(RETURN, { i: input });
    await t.ok(RETURN, { i: input });
    expect(returned.returnDefectivePart).toEqual({ condition: 'DEFECTIVE', onHand: 1, available: 1 });
    const movements = await t.ok(
      `query($f: MovementFilter) { stockMovements(filter: $f) { edges { node { type rmaNumber reason partNumber } } } }`,
      {
        f: { rmaNumber: 'RMA-DEF-1' },
      },
    );
    expect(movements.stockMovements.edges.map((e: any) => e.node)).toEqual([
      { type: 'RETURN', rmaNumber: 'RMA-DEF-1', reason: 'defective part returned (serial CPU-SN-9)', partNumber: 'RCV-CPU' },
    ]);
    expect(await unexplainedStock(t)).toEqual([]);
  });

  it('transfers stock between depots: out now, in on receipt, never more than available', async () => {
    await createPart(t, 'XFER-NIC');
    await receive(t, w.depotA, 'XFER-NIC', 5);
    const TRANSFER = `mutation($i: TransferStockInput!) { transferStock(input: $i) { id status quantity fromDepot { id } toDepot { id } partNumber } }`;
    const tooMuch = await t.gql(TRANSFER, { i: { fromDepotId: w.depotA, toDepotId: w.depotB, partNumber: 'XFER-NIC', quantity: 6 } });
    expect(tooMuch.errors?.[0].extensions).toMatchObject({ code: 'INSUFFICIENT_STOCK', available: 5 });
    const key = uniqueKey('xfer');
    const transfer = (
      await t.ok(TRANSFER, { i: { fromDepotId: w.depotA, toDepotId: w.depotB, partNumber: 'XFER-NIC', quantity: 3, idempotencyKey: key } })
    ).transferStock;
    const retried = await t.ok(TRANSFER, {
      i: { fromDepotId: w.depotA, toDepotId: w.depotB, partNumber: 'XFER-NIC', quantity: 3, idempotencyKey: key },
    });
    expect(retried.transferStock.id).toBe(transfer.id);
    expect(transfer).toMatchObject({
      status: 'IN_TRANSIT',
      quantity: 3,
      fromDepot: { id: w.depotA },
      toDepot: { id: w.depotB },
      partNumber: 'XFER-NIC',
    });
    expect(await stockLevel(t, w.depotA, 'XFER-NIC')).toMatchObject({ onHand: 2 });
    expect(await stockLevel(t, w.depotB, 'XFER-NIC')).toBeUndefined();

    const RECEIVE = `mutation($id: ID!) { receiveTransfer(id: $id) { status receivedAt } }`;
    expect((await t.ok(RECEIVE, { id: transfer.id })).receiveTransfer.status).toBe('RECEIVED');
    await t.ok(RECEIVE, { id: transfer.id });
    expect(await stockLevel(t, w.depotB, 'XFER-NIC')).toMatchObject({ onHand: 3, available: 3 });
    const types = await t.ok(`query($f: MovementFilter) { stockMovements(filter: $f) { edges { node { type depot { id } } } } }`, {
      f: { partNumber: 'XFER-NIC' },
    });
    expect(types.stockMovements.edges.map((e: any) => `${e.node.type}@${e.node.depot.id === w.depotA ? 'A' : 'B'}`).sort()).toEqual(
      ['RECEIPT@A', 'TRANSFER_IN@B', 'TRANSFER_OUT@A'].sort(),
    );
    expect(await unexplainedStock(t)).toEqual([]);
  });

  it('findSpare lists depots that meet the deadline first, then by delivery time', async () => {
    await createPart(t, 'SPARE-RAID');
    await receive(t, w.depotA, 'SPARE-RAID', 2);
    await receive(t, w.depotB, 'SPARE-RAID', 2);
    const FIND = `query($partNumber: String!, $siteId: ID!, $deadline: DateTimeISO!, $quantity: Int) { findSpare(partNumber: $partNumber, siteId: $siteId, deadline: $deadline, quantity: $quantity) { depot { id } available deliveryTime meetsDeadline estimatedArrival } }`;
    const inFourHours = new Date(Date.now() + 4 * 3600_000).toISOString();
    const east = await t.ok(FIND, { partNumber: 'SPARE-RAID', siteId: w.eastSiteId, deadline: inFourHours });
    expect(east.findSpare.map((o: any) => [o.depot.id, o.deliveryTime, o.meetsDeadline])).toEqual([
      [w.depotA, 'PT2H', true],
      [w.depotB, 'PT8H', false],
    ]);
    const north = await t.ok(FIND, { partNumber: 'SPARE-RAID', siteId: w.northSiteId, deadline: inFourHours });
    expect(north.findSpare.map((o: any) => o.depot.id)).toEqual([w.depotB, w.depotA]);
    const tooMany = await t.ok(FIND, { partNumber: 'SPARE-RAID', siteId: w.eastSiteId, deadline: inFourHours, quantity: 3 });
    expect(tooMany.findSpare).toEqual([]);
  });

  it('batches nested fields: a page of movements costs the same statements whatever its size', async () => {
    const q = `query($n: Int) { stockMovements(first: $n) { edges { node { id partNumber part { description fitsModels } depot { code } } } } }`;
    const small = await t.gql(q, { n: 2 });
    const large = await t.gql(q, { n: 100 });
    expect(large.errors).toBeUndefined();
    expect(large.data!.stockMovements.edges.length).toBeGreaterThan(20);
    expect(large.sqlStatements).toBe(small.sqlStatements);
  });
});
