import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { mcol } from '../src/platform/db/migration-columns';

export class Platform1763700000000 implements MigrationInterface {
  name = 'Platform1763700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          mcol.id(),
          mcol.text('prefix', 16),
          mcol.text('secretHash', 64),
          mcol.text('name', 120),
          mcol.text('role', 16),
          mcol.ref('scopeId', true),
          mcol.timestamp('createdAt'),
          mcol.timestamp('revokedAt', true),
        ],
        indices: [{ name: 'uq_api_keys_prefix', columnNames: ['prefix'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'outbox',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          mcol.text('eventId', 36),
          mcol.text('topic', 120),
          mcol.text('messageKey', 120),
          mcol.text('type', 80),
          mcol.longText('envelope'),
          mcol.timestamp('createdAt'),
          mcol.timestamp('publishedAt', true),
          mcol.int('attempts', false, 0),
          mcol.text('lastError', 500, true),
        ],
        indices: [{ name: 'ix_outbox_pending', columnNames: ['publishedAt'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'processed_events',
        columns: [
          { ...mcol.text('consumer', 80), isPrimary: true },
          { ...mcol.text('eventId', 64), isPrimary: true },
          mcol.timestamp('processedAt'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'leases',
        columns: [{ ...mcol.text('name', 80), isPrimary: true }, mcol.text('holder', 120), mcol.timestamp('expiresAt')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'dead_letters',
        columns: [
          mcol.id(),
          mcol.text('topic', 120),
          mcol.int('partition'),
          mcol.text('offset', 40),
          mcol.text('messageKey', 120, true),
          mcol.text('eventId', 64, true),
          mcol.text('type', 80, true),
          mcol.text('source', 120, true),
          mcol.text('reason', 1000),
          mcol.longText('raw'),
          mcol.timestamp('receivedAt'),
        ],
        indices: [{ name: 'ix_dead_letters_received', columnNames: ['receivedAt'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'scheduled_jobs',
        columns: [
          mcol.id(),
          mcol.text('kind', 80),
          mcol.text('jobKey', 200),
          mcol.timestamp('dueAt'),
          mcol.json('payload'),
          mcol.text('status', 16),
          mcol.int('attempts', false, 0),
          mcol.text('lastError', 500, true),
          mcol.timestamp('firedAt', true),
          mcol.text('firedBy', 120, true),
          mcol.timestamp('createdAt'),
        ],
        indices: [
          { name: 'uq_scheduled_jobs_key', columnNames: ['jobKey'], isUnique: true },
          { name: 'ix_scheduled_jobs_due', columnNames: ['status', 'dueAt'] },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['scheduled_jobs', 'dead_letters', 'leases', 'processed_events', 'outbox', 'api_keys']) await q.dropTable(table);
  }
}
