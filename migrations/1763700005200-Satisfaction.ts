import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { mcol } from '../src/platform/db/migration-columns';

/** Satisfaction surveys after closed incidents and reported inspections. */
export class Satisfaction1763700005200 implements MigrationInterface {
  name = 'Satisfaction1763700005200';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'satisfaction_surveys',
        columns: [
          mcol.id(),
          mcol.text('subjectType', 16),
          mcol.ref('subjectId'),
          mcol.ref('customerId'),
          mcol.ref('centreId', true),
          mcol.text('engineer', 120, true),
          mcol.text('subjectLabel', 500),
          mcol.timestamp('subjectClosedAt'),
          mcol.timestamp('issuedAt'),
          mcol.text('status', 16),
          mcol.int('rating', true),
          mcol.text('comment', 1000, true),
          mcol.timestamp('answeredAt', true),
          mcol.text('answeredBy', 120, true),
          mcol.text('source', 16, true),
        ],
        indices: [
          { name: 'uq_satisfaction_surveys_subject', columnNames: ['subjectType', 'subjectId'], isUnique: true },
          { name: 'ix_satisfaction_surveys_customer', columnNames: ['customerId', 'subjectClosedAt'] },
          { name: 'ix_satisfaction_surveys_centre', columnNames: ['centreId', 'subjectClosedAt'] },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('satisfaction_surveys');
  }
}
