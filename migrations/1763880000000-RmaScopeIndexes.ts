import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * A partner's (or customer's) RMA list, newest first, reads its own rows in order from one index:
 * with (originCentreId) alone MariaDB walked ix_rmas_created backwards and filtered, so a page cost
 * grew with everyone else's RMAs (bench scaling pass: EXPLAIN rows ≈ all RMAs / the partner's share).
 */
export class RmaScopeIndexes1763880000000 implements MigrationInterface {
  name = 'RmaScopeIndexes1763880000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('rmas', new TableIndex({ name: 'ix_rmas_origin_created', columnNames: ['originCentreId', 'createdAt'] }));
    await q.createIndex('rmas', new TableIndex({ name: 'ix_rmas_customer_created', columnNames: ['customerId', 'createdAt'] }));
    // Their leading columns serve every lookup the single-column indexes did.
    await q.dropIndex('rmas', 'ix_rmas_origin');
    await q.dropIndex('rmas', 'ix_rmas_customer');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.createIndex('rmas', new TableIndex({ name: 'ix_rmas_origin', columnNames: ['originCentreId'] }));
    await q.createIndex('rmas', new TableIndex({ name: 'ix_rmas_customer', columnNames: ['customerId'] }));
    await q.dropIndex('rmas', 'ix_rmas_origin_created');
    await q.dropIndex('rmas', 'ix_rmas_customer_created');
  }
}
