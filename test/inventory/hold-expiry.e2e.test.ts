import { eventually, startTestHub, TestHub } from '../support/hub';
import { createPart, createWorld, receive, RESERVE, stockLevel, unexplainedStock, uniqueKey } from './fixtures';

describe('reservation holds', () => {
  let t: TestHub | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('an expired hold is released by itself after a restart of the hub, exactly once', async () => {
    const first = await startTestHub();
    const w = await createWorld(first, 'HOLD');
    await createPart(first, 'HOLD-PSU');
    await receive(first, w.depotA, 'HOLD-PSU', 4);
    const reserved = await first.ok(RESERVE, {
      i: {
        depotId: w.depotA,
        partNumber: 'HOLD-PSU',
        quantity: 3,
        incidentId: w.incidentId,
        idempotencyKey: uniqueKey('hold'),
        holdFor: 'PT2S',
      },
    });
    const id = reserved.reserveParts.id;
    expect(await stockLevel(first, w.depotA, 'HOLD-PSU')).toMatchObject({ reserved: 3, available: 1 });
    // Down before the hold runs out: the release must come from the durable job, not a timer in memory.
    await first.stop({ drop: false });

    await new Promise((r) => setTimeout(r, 2500));
    t = await startTestHub({ db: first.db });
    const released = await eventually(
      () => t!.ok(`query($id: ID!) { reservation(id: $id) { status releaseReason releasedAt } }`, { id }),
      (d) => d.reservation.status !== 'HELD',
    );
    expect(released.reservation).toMatchObject({ status: 'EXPIRED', releaseReason: 'hold of PT2S expired before dispatch' });
    // Give a second (wrong) firing every chance to happen.
    await new Promise((r) => setTimeout(r, 600));
    const releases = await t.ok(
      `query($f: MovementFilter) { stockMovements(filter: $f) { totalCount edges { node { type reservedDelta actor } } } }`,
      {
        f: { reservationId: id, type: 'RELEASE' },
      },
    );
    expect(releases.stockMovements.totalCount).toBe(1);
    expect(releases.stockMovements.edges[0].node).toEqual({ type: 'RELEASE', reservedDelta: -3, actor: 'scheduler' });
    expect(await stockLevel(t, w.depotA, 'HOLD-PSU')).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
    expect(await unexplainedStock(t)).toEqual([]);
    // Dispatching an expired reservation is refused.
    const late = await t.gql(`mutation($i: DispatchReservationInput!) { dispatchReservation(input: $i) { id } }`, {
      i: { reservationId: id, carrier: 'SF Express' },
    });
    expect(late.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
  });

  it('a reservation dispatched in time is not released when its hold would have run out', async () => {
    t = await startTestHub();
    const w = await createWorld(t, 'SHIP');
    await createPart(t, 'SHIP-FAN');
    await receive(t, w.depotA, 'SHIP-FAN', 2);
    const { reserveParts } = await t.ok(RESERVE, {
      i: {
        depotId: w.depotA,
        partNumber: 'SHIP-FAN',
        quantity: 1,
        rmaNumber: 'RMA-SHIP',
        idempotencyKey: uniqueKey('ship'),
        holdFor: 'PT1S',
      },
    });
    await t.ok(`mutation($i: DispatchReservationInput!) { dispatchReservation(input: $i) { status } }`, {
      i: { reservationId: reserveParts.id, carrier: 'JD Logistics', deliveryWithin: 'PT1H' },
    });
    const job = await eventually(
      () =>
        t!.app.hub.db.manager.query(`SELECT status FROM scheduled_jobs WHERE jobKey = ?`, [
          `inventory:reservation:${reserveParts.id}:hold`,
        ]),
      (rows: Array<{ status: string }>) => rows[0]?.status === 'DONE',
    );
    expect(job[0].status).toBe('DONE');
    const after = await t.ok(`query($id: ID!) { reservation(id: $id) { status } }`, { id: reserveParts.id });
    expect(after.reservation.status).toBe('DISPATCHED');
    expect(await stockLevel(t, w.depotA, 'SHIP-FAN')).toMatchObject({ onHand: 1, reserved: 0 });
    expect(await unexplainedStock(t)).toEqual([]);
  });
});
