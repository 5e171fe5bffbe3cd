import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { mcol } from '../src/platform/db/migration-columns';

/** Complaints with their clocks and timeline, and the complaint targets per customer. */
export class Complaints1763700005100 implements MigrationInterface {
  name = 'Complaints1763700005100';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'complaints',
        columns: [
          mcol.id(),
          mcol.ref('customerId'),
          mcol.text('category', 24),
          mcol.text('summary', 500),
          mcol.longText('description', true),
          mcol.ref('incidentId', true),
          mcol.ref('rmaId', true),
          mcol.text('rmaNumber', 40, true),
          mcol.ref('centreId', true),
          mcol.text('status', 16),
          mcol.text('managementLevel', 16),
          mcol.timestamp('filedAt'),
          mcol.text('filedBy', 120),
          mcol.text('firstReplyTarget', 32),
          mcol.timestamp('firstReplyDueAt'),
          mcol.timestamp('firstRepliedAt', true),
          mcol.timestamp('firstReplyWarnedAt', true),
          mcol.timestamp('firstReplyBreachedAt', true),
          mcol.text('resolutionTarget', 32),
          mcol.timestamp('resolutionDueAt'),
          mcol.timestamp('resolvedAt', true),
          mcol.timestamp('resolutionWarnedAt', true),
          mcol.timestamp('resolutionBreachedAt', true),
          mcol.longText('resolution', true),
          mcol.timestamp('closedAt', true),
          mcol.text('closedBy', 120, true),
          mcol.int('handlingRating', true),
          mcol.text('ratingComment', 1000, true),
          mcol.timestamp('ratedAt', true),
          mcol.int('eventSeq', false, 0),
          mcol.timestamp('updatedAt'),
        ],
        indices: [
          { name: 'ix_complaints_customer', columnNames: ['customerId', 'filedAt'] },
          { name: 'ix_complaints_status', columnNames: ['status', 'filedAt'] },
          { name: 'ix_complaints_incident', columnNames: ['incidentId'] },
          { name: 'ix_complaints_centre', columnNames: ['centreId', 'filedAt'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'complaint_events',
        columns: [
          mcol.id(),
          mcol.ref('complaintId'),
          mcol.ref('customerId'),
          mcol.int('seq'),
          mcol.timestamp('at'),
          mcol.text('type', 24),
          mcol.text('actor', 120),
          mcol.text('clock', 16, true),
          mcol.text('message', 4000),
        ],
        indices: [{ name: 'uq_complaint_events_seq', columnNames: ['complaintId', 'seq'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'complaint_policies',
        columns: [
          mcol.id(),
          mcol.text('scopeKey', 36),
          mcol.ref('customerId', true),
          mcol.text('firstReplyTarget', 32),
          mcol.text('resolutionTarget', 32),
          mcol.timestamp('updatedAt'),
          mcol.text('updatedBy', 120),
        ],
        indices: [{ name: 'uq_complaint_policies_scope', columnNames: ['scopeKey'], isUnique: true }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['complaint_policies', 'complaint_events', 'complaints']) await q.dropTable(table);
  }
}
