import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { mcol } from '../src/platform/db/migration-columns';

/** Outbound webhooks: endpoints, per-endpoint delivery queue (filled in the events' own transactions), attempts. */
export class Webhooks1763840001000 implements MigrationInterface {
  name = 'Webhooks1763840001000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'webhook_endpoints',
        columns: [
          mcol.id(),
          mcol.text('ownerRole', 16),
          mcol.ref('ownerScopeId', true),
          mcol.text('url', 2000),
          mcol.json('eventTypes'),
          mcol.text('description', 200, true),
          mcol.longText('secretSealed'),
          mcol.longText('previousSecretSealed', true),
          mcol.timestamp('previousSecretExpiresAt', true),
          mcol.bool('enabled', true),
          mcol.timestamp('disabledAt', true),
          mcol.text('disabledReason', 500, true),
          mcol.timestamp('failingSince', true),
          mcol.text('createdBy', 120),
          mcol.timestamp('createdAt'),
        ],
        indices: [{ name: 'ix_webhook_endpoints_owner', columnNames: ['ownerScopeId'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          mcol.ref('endpointId'),
          mcol.text('eventId', 36),
          mcol.text('eventType', 80),
          mcol.text('aggregateKey', 120),
          mcol.longText('envelope'),
          mcol.text('status', 16),
          mcol.int('attempts', false, 0),
          mcol.timestamp('nextAttemptAt'),
          mcol.timestamp('deliveredAt', true),
          mcol.timestamp('createdAt'),
        ],
        indices: [
          { name: 'ix_webhook_deliveries_due', columnNames: ['status', 'nextAttemptAt'] },
          { name: 'ix_webhook_deliveries_endpoint', columnNames: ['endpointId', 'status', 'seq'] },
          { name: 'ix_webhook_deliveries_created', columnNames: ['endpointId', 'createdAt'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'webhook_attempts',
        columns: [
          mcol.id(),
          mcol.ref('endpointId'),
          mcol.ref('ownerScopeId', true),
          mcol.int('deliverySeq'),
          mcol.text('eventId', 36),
          mcol.text('eventType', 80),
          mcol.text('aggregateKey', 120),
          mcol.int('attempt'),
          mcol.timestamp('attemptedAt'),
          mcol.int('statusCode', true),
          mcol.int('latencyMs'),
          mcol.bool('succeeded', false),
          mcol.text('error', 500, true),
        ],
        indices: [{ name: 'ix_webhook_attempts_endpoint', columnNames: ['endpointId', 'attemptedAt'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['webhook_attempts', 'webhook_deliveries', 'webhook_endpoints']) await q.dropTable(table);
  }
}
