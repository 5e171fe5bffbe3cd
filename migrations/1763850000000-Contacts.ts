import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { mcol } from '../src/platform/db/migration-columns';

/** Contacts (who is told) and the people side of each contract's escalation policy. */
export class Contacts1763850000000 implements MigrationInterface {
  name = 'Contacts1763850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'contacts',
        columns: [
          mcol.id(),
          mcol.ref('customerId', true),
          mcol.ref('centreId', true),
          mcol.text('level', 16),
          mcol.text('name', 120),
          mcol.text('role', 120, true),
          mcol.text('email', 254, true),
          mcol.text('phone', 40, true),
          mcol.text('imWebhookUrl', 500, true),
          mcol.text('imChannel', 16, true),
          mcol.text('language', 8),
          mcol.text('onDutyHours', 11, true),
          mcol.bool('active', true),
          mcol.timestamp('createdAt'),
          mcol.timestamp('updatedAt'),
        ],
        indices: [
          { name: 'ix_contacts_customer', columnNames: ['customerId', 'level'] },
          { name: 'ix_contacts_centre', columnNames: ['centreId', 'level'] },
          { name: 'ix_contacts_level', columnNames: ['level'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'contract_escalation_plans',
        columns: [
          mcol.id(),
          mcol.ref('contractId'),
          mcol.json('contactsByLevel'),
          mcol.text('stepAfter', 32, true),
          mcol.text('stepDays', 16),
          mcol.json('responseByChannel'),
          mcol.timestamp('updatedAt'),
          mcol.int('version', false, 1),
        ],
        indices: [{ name: 'uq_contract_escalation_plans_contract', columnNames: ['contractId'], isUnique: true }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('contract_escalation_plans');
    await q.dropTable('contacts');
  }
}
