import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { mcol } from '../src/platform/db/migration-columns';

/** Durable notifications (one row per recipient, channel and cause) sent by the sender loop. */
export class Notifications1763850001000 implements MigrationInterface {
  name = 'Notifications1763850001000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'notifications',
        columns: [
          mcol.id(),
          mcol.text('causeKey', 120),
          mcol.text('cause', 32),
          mcol.ref('incidentId', true),
          mcol.ref('contactId'),
          mcol.ref('recipientCustomerId', true),
          mcol.ref('recipientCentreId', true),
          mcol.text('recipientName', 120),
          mcol.text('channel', 8),
          mcol.text('address', 500),
          mcol.text('imChannel', 16, true),
          mcol.text('language', 8),
          mcol.text('subject', 300),
          mcol.longText('body'),
          mcol.text('status', 16),
          mcol.int('attempts', false, 0),
          mcol.timestamp('nextAttemptAt'),
          mcol.timestamp('lockedUntil', true),
          mcol.text('lastError', 500, true),
          mcol.timestamp('createdAt'),
          mcol.timestamp('sentAt', true),
        ],
        indices: [
          { name: 'uq_notifications_cause_recipient', columnNames: ['causeKey', 'contactId', 'channel'], isUnique: true },
          { name: 'ix_notifications_due', columnNames: ['status', 'nextAttemptAt'] },
          { name: 'ix_notifications_incident', columnNames: ['incidentId', 'createdAt'] },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('notifications');
  }
}
