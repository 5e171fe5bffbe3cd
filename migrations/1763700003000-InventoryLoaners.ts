import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { mcol } from '../src/platform/db/migration-columns';

/** Spare-parts depots, stock and reservations (inventory module) and the loaner pool (loaners module). */
export class InventoryLoaners1763700003000 implements MigrationInterface {
  name = 'InventoryLoaners1763700003000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'parts',
        columns: [
          mcol.id(),
          mcol.text('partNumber', 64),
          mcol.text('manufacturer', 100),
          mcol.text('description', 300),
          mcol.text('lifecycle', 16),
          mcol.timestamp('endOfSupply', true),
          mcol.timestamp('eolAnnouncedAt', true),
          mcol.timestamp('createdAt'),
        ],
        indices: [{ name: 'uq_parts_number', columnNames: ['partNumber'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'part_fitments',
        columns: [mcol.id(), mcol.ref('partId'), mcol.text('model', 100)],
        indices: [
          { name: 'uq_part_fitments', columnNames: ['partId', 'model'], isUnique: true },
          { name: 'ix_part_fitments_model', columnNames: ['model'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'depots',
        columns: [
          mcol.id(),
          mcol.text('code', 32),
          mcol.text('name', 200),
          mcol.text('region', 40),
          mcol.text('city', 100),
          mcol.text('address', 300, true),
          mcol.timestamp('createdAt'),
        ],
        indices: [{ name: 'uq_depots_code', columnNames: ['code'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'depot_coverage',
        columns: [
          mcol.id(),
          mcol.ref('depotId'),
          mcol.text('region', 40, true),
          mcol.ref('siteId', true),
          mcol.text('deliveryTime', 32),
          mcol.int('deliveryMinutes'),
        ],
        indices: [
          { name: 'ix_depot_coverage_depot', columnNames: ['depotId'] },
          { name: 'ix_depot_coverage_region', columnNames: ['region'] },
          { name: 'ix_depot_coverage_site', columnNames: ['siteId'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'stock',
        columns: [
          mcol.id(),
          mcol.ref('depotId'),
          mcol.ref('partId'),
          mcol.text('condition', 16),
          mcol.int('onHand', false, 0),
          mcol.int('reserved', false, 0),
          mcol.int('reorderPoint', false, 0),
          mcol.int('reorderQuantity', false, 0),
          mcol.bool('alertOpen', false),
          mcol.timestamp('updatedAt'),
        ],
        indices: [
          { name: 'uq_stock_line', columnNames: ['depotId', 'partId', 'condition'], isUnique: true },
          { name: 'ix_stock_part', columnNames: ['partId'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'stock_movements',
        columns: [
          mcol.id(),
          mcol.ref('stockId'),
          mcol.ref('depotId'),
          mcol.ref('partId'),
          mcol.text('condition', 16),
          mcol.text('type', 16),
          mcol.int('quantity'),
          mcol.int('onHandDelta'),
          mcol.int('reservedDelta'),
          mcol.ref('reservationId', true),
          mcol.ref('transferId', true),
          mcol.ref('stockTakeId', true),
          mcol.text('incidentId', 64, true),
          mcol.text('rmaNumber', 64, true),
          mcol.text('actor', 120),
          mcol.text('reason', 500, true),
          mcol.text('idempotencyKey', 100, true),
          mcol.timestamp('createdAt'),
        ],
        indices: [
          { name: 'ix_stock_movements_stock', columnNames: ['stockId', 'createdAt'] },
          { name: 'ix_stock_movements_depot', columnNames: ['depotId', 'createdAt'] },
          { name: 'ix_stock_movements_reservation', columnNames: ['reservationId'] },
          { name: 'uq_stock_movements_key', columnNames: ['idempotencyKey'], isUnique: true },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'reservations',
        columns: [
          mcol.id(),
          mcol.text('idempotencyKey', 100),
          mcol.ref('stockId'),
          mcol.ref('depotId'),
          mcol.ref('partId'),
          mcol.text('condition', 16),
          mcol.int('quantity'),
          mcol.text('incidentId', 64, true),
          mcol.text('rmaNumber', 64, true),
          mcol.text('status', 16),
          mcol.text('holdFor', 32),
          mcol.timestamp('holdUntil'),
          mcol.text('reservedBy', 120),
          mcol.timestamp('createdAt'),
          mcol.timestamp('releasedAt', true),
          mcol.text('releaseReason', 300, true),
          mcol.timestamp('dispatchedAt', true),
          mcol.text('carrier', 100, true),
          mcol.text('trackingNumber', 100, true),
          mcol.timestamp('eta', true),
          mcol.timestamp('deliveryDeadline', true),
          mcol.timestamp('deliveredAt', true),
          mcol.timestamp('lateAlertAt', true),
        ],
        indices: [
          { name: 'uq_reservations_key', columnNames: ['idempotencyKey'], isUnique: true },
          { name: 'ix_reservations_depot', columnNames: ['depotId', 'createdAt'] },
          { name: 'ix_reservations_incident', columnNames: ['incidentId'] },
          { name: 'ix_reservations_rma', columnNames: ['rmaNumber'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'stock_transfers',
        columns: [
          mcol.id(),
          mcol.text('idempotencyKey', 100, true),
          mcol.ref('fromDepotId'),
          mcol.ref('toDepotId'),
          mcol.ref('partId'),
          mcol.text('condition', 16),
          mcol.int('quantity'),
          mcol.text('status', 16),
          mcol.text('reason', 500, true),
          mcol.text('createdBy', 120),
          mcol.timestamp('createdAt'),
          mcol.timestamp('receivedAt', true),
          mcol.text('receivedBy', 120, true),
        ],
        indices: [
          { name: 'uq_stock_transfers_key', columnNames: ['idempotencyKey'], isUnique: true },
          { name: 'ix_stock_transfers_from', columnNames: ['fromDepotId', 'createdAt'] },
          { name: 'ix_stock_transfers_to', columnNames: ['toDepotId', 'createdAt'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'stock_takes',
        columns: [
          mcol.id(),
          mcol.text('idempotencyKey', 100),
          mcol.text('fingerprint', 64),
          mcol.ref('depotId'),
          mcol.text('status', 24),
          mcol.text('reason', 500),
          mcol.text('countedBy', 120),
          mcol.timestamp('countedAt'),
          mcol.text('decidedBy', 120, true),
          mcol.timestamp('decidedAt', true),
        ],
        indices: [
          { name: 'uq_stock_takes_key', columnNames: ['idempotencyKey'], isUnique: true },
          { name: 'ix_stock_takes_depot', columnNames: ['depotId', 'countedAt'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'stock_take_lines',
        columns: [
          mcol.id(),
          mcol.ref('stockTakeId'),
          mcol.ref('stockId'),
          mcol.ref('partId'),
          mcol.text('condition', 16),
          mcol.int('bookQuantity'),
          mcol.int('countedQuantity'),
          mcol.int('difference'),
          mcol.text('status', 24),
          mcol.ref('movementId', true),
        ],
        indices: [{ name: 'ix_stock_take_lines_take', columnNames: ['stockTakeId'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'stock_alerts',
        columns: [
          mcol.id(),
          mcol.text('kind', 24),
          mcol.ref('depotId'),
          mcol.ref('stockId', true),
          mcol.ref('partId', true),
          mcol.text('condition', 16, true),
          mcol.ref('reservationId', true),
          mcol.ref('loanId', true),
          mcol.int('available', true),
          mcol.int('reorderPoint', true),
          mcol.text('message', 500),
          mcol.text('status', 16),
          mcol.timestamp('raisedAt'),
          mcol.timestamp('resolvedAt', true),
        ],
        indices: [
          { name: 'ix_stock_alerts_depot', columnNames: ['depotId', 'raisedAt'] },
          { name: 'ix_stock_alerts_stock', columnNames: ['stockId'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'replenishment_suggestions',
        columns: [
          mcol.id(),
          mcol.ref('depotId'),
          mcol.ref('stockId'),
          mcol.ref('partId'),
          mcol.text('condition', 16),
          mcol.ref('alertId'),
          mcol.int('quantity'),
          mcol.int('available'),
          mcol.int('reorderPoint'),
          mcol.text('status', 16),
          mcol.timestamp('createdAt'),
          mcol.timestamp('closedAt', true),
        ],
        indices: [{ name: 'ix_replenishment_depot', columnNames: ['depotId', 'status'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'loaners',
        columns: [
          mcol.id(),
          mcol.text('serialNumber', 64),
          mcol.text('vendor', 100),
          mcol.text('model', 100),
          mcol.text('equivalenceClass', 64),
          mcol.ref('depotId'),
          mcol.text('state', 16),
          mcol.text('notes', 500, true),
          mcol.timestamp('createdAt'),
          mcol.timestamp('updatedAt'),
        ],
        indices: [
          { name: 'uq_loaners_serial', columnNames: ['serialNumber'], isUnique: true },
          { name: 'ix_loaners_depot', columnNames: ['depotId', 'state'] },
          { name: 'ix_loaners_model', columnNames: ['model'] },
          { name: 'ix_loaners_class', columnNames: ['equivalenceClass'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'loans',
        columns: [
          mcol.id(),
          mcol.ref('loanerId'),
          mcol.ref('depotId'),
          mcol.ref('customerId'),
          mcol.ref('deviceId'),
          mcol.text('deviceSerial', 64),
          mcol.text('rmaNumber', 64, true),
          mcol.text('incidentId', 64, true),
          mcol.text('matchKind', 16),
          mcol.text('status', 16),
          mcol.ref('openDeviceId', true),
          mcol.text('assignedBy', 120),
          mcol.timestamp('assignedAt'),
          mcol.timestamp('shippedAt', true),
          mcol.timestamp('deliveredAt', true),
          mcol.timestamp('dueBackAt', true),
          mcol.timestamp('overdueAlertAt', true),
          mcol.timestamp('returnedAt', true),
        ],
        indices: [
          { name: 'uq_loans_open', columnNames: ['openDeviceId'], isUnique: true },
          { name: 'ix_loans_customer', columnNames: ['customerId', 'assignedAt'] },
          { name: 'ix_loans_loaner', columnNames: ['loanerId'] },
          { name: 'ix_loans_depot', columnNames: ['depotId', 'assignedAt'] },
          { name: 'ix_loans_rma', columnNames: ['rmaNumber'] },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'loans',
      'loaners',
      'replenishment_suggestions',
      'stock_alerts',
      'stock_take_lines',
      'stock_takes',
      'stock_transfers',
      'reservations',
      'stock_movements',
      'stock',
      'depot_coverage',
      'depots',
      'part_fitments',
      'parts',
    ])
      await q.dropTable(table);
  }
}
