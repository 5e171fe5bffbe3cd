import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { mcol } from '../src/platform/db/migration-columns';

export class Customers1763700001000 implements MigrationInterface {
  name = 'Customers1763700001000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'customers',
        columns: [
          mcol.id(),
          mcol.text('code', 32),
          mcol.text('name', 200),
          mcol.text('contactName', 200, true),
          mcol.text('contactEmail', 200, true),
          mcol.text('contactPhone', 64, true),
          mcol.timestamp('createdAt'),
        ],
        indices: [{ name: 'uq_customers_code', columnNames: ['code'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'sites',
        columns: [
          mcol.id(),
          mcol.ref('customerId'),
          mcol.text('name', 200),
          mcol.text('city', 100),
          mcol.text('region', 40),
          mcol.text('timeZone', 64),
          mcol.text('calendarRegion', 16),
          mcol.text('distanceClass', 16),
          mcol.text('address', 300, true),
          mcol.timestamp('createdAt'),
        ],
        indices: [{ name: 'ix_sites_customer', columnNames: ['customerId'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'devices',
        columns: [
          mcol.id(),
          mcol.text('serialNumber', 64),
          mcol.text('vendor', 100),
          mcol.text('model', 100),
          mcol.text('equivalenceClass', 64),
          mcol.ref('customerId'),
          mcol.ref('siteId'),
          mcol.ref('contractId', true),
          mcol.timestamp('installedAt', true),
          mcol.timestamp('warrantyStart', true),
          mcol.timestamp('warrantyEnd', true),
          mcol.bool('active', true),
          mcol.timestamp('createdAt'),
        ],
        indices: [
          { name: 'uq_devices_serial', columnNames: ['serialNumber'], isUnique: true },
          { name: 'ix_devices_customer', columnNames: ['customerId'] },
          { name: 'ix_devices_site', columnNames: ['siteId'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'notices',
        columns: [
          mcol.id(),
          mcol.ref('customerId'),
          mcol.text('kind', 32),
          mcol.text('title', 200),
          mcol.longText('body'),
          mcol.timestamp('publishedAt'),
          mcol.text('publishedBy', 120),
        ],
        indices: [{ name: 'ix_notices_customer', columnNames: ['customerId', 'publishedAt'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['notices', 'devices', 'sites', 'customers']) await q.dropTable(table);
  }
}
