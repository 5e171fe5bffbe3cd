import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { mcol } from '../src/platform/db/migration-columns';

/** Two-way ticket sync with customers' ITSMs: connectors, ticket links, the outbound queue, the exchange log. */
export class ItsmConnectors1763870000000 implements MigrationInterface {
  name = 'ItsmConnectors1763870000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'itsm_connectors',
        columns: [
          mcol.id(),
          mcol.ref('customerId'),
          mcol.text('name', 120),
          mcol.text('baseUrl', 500),
          mcol.text('authKind', 16),
          mcol.text('username', 120, true),
          mcol.longText('credentialSealed'),
          mcol.text('inboundSecretHash', 64),
          mcol.text('integrationUser', 120),
          mcol.text('inbound', 8),
          mcol.json('mapping'),
          mcol.bool('enabled', true),
          mcol.int('journalCursor', false, 0),
          mcol.timestamp('lastPolledAt', true),
          mcol.text('lastError', 500, true),
          mcol.text('createdBy', 120),
          mcol.timestamp('createdAt'),
        ],
        indices: [{ name: 'uq_itsm_connectors_customer', columnNames: ['customerId'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'itsm_ticket_links',
        columns: [
          mcol.id(),
          mcol.ref('connectorId'),
          mcol.ref('customerId'),
          mcol.ref('incidentId'),
          mcol.text('ticketNumber', 120),
          mcol.timestamp('createdAt'),
        ],
        indices: [
          { name: 'uq_itsm_ticket_links_incident', columnNames: ['incidentId'], isUnique: true },
          { name: 'uq_itsm_ticket_links_ticket', columnNames: ['connectorId', 'ticketNumber'], isUnique: true },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'itsm_outbound',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          mcol.ref('connectorId'),
          mcol.ref('incidentId'),
          mcol.text('kind', 16),
          mcol.longText('payload'),
          mcol.text('status', 16),
          mcol.int('attempts', false, 0),
          mcol.timestamp('nextAttemptAt'),
          mcol.text('lastError', 500, true),
          mcol.timestamp('sentAt', true),
          mcol.timestamp('createdAt'),
        ],
        indices: [
          { name: 'ix_itsm_outbound_due', columnNames: ['status', 'nextAttemptAt'] },
          { name: 'ix_itsm_outbound_incident', columnNames: ['incidentId', 'status', 'seq'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'itsm_sync_log',
        columns: [
          mcol.id(),
          mcol.ref('connectorId'),
          mcol.ref('customerId'),
          mcol.timestamp('at'),
          mcol.text('direction', 3),
          mcol.text('outcome', 16),
          mcol.ref('incidentId', true),
          mcol.text('ticketNumber', 120, true),
          mcol.int('journalSeq', true),
          mcol.text('detail', 500),
        ],
        indices: [{ name: 'ix_itsm_sync_log_connector', columnNames: ['connectorId', 'at'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['itsm_sync_log', 'itsm_outbound', 'itsm_ticket_links', 'itsm_connectors']) await q.dropTable(t);
  }
}
