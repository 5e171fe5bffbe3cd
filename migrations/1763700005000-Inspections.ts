import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { mcol } from '../src/platform/db/migration-columns';

/** Preventive inspections: plans per contract and site, the generated visits, their checklists and timelines. */
export class Inspections1763700005000 implements MigrationInterface {
  name = 'Inspections1763700005000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'inspection_plans',
        columns: [
          mcol.id(),
          mcol.ref('contractId'),
          mcol.ref('customerId'),
          mcol.ref('siteId'),
          mcol.ref('centreId', true),
          mcol.text('frequency', 16),
          mcol.int('timesPerYear', true),
          mcol.int('dayOfSlot'),
          mcol.json('preHolidayPeriods'),
          mcol.int('leadWorkingDays'),
          mcol.text('reportDeadline', 32),
          mcol.text('startsOn', 10),
          mcol.text('endsOn', 10, true),
          mcol.int('horizonDays'),
          mcol.bool('active', true),
          mcol.text('generatedThrough', 10, true),
          mcol.json('unplacedPeriods'),
          mcol.text('createdBy', 120),
          mcol.timestamp('createdAt'),
          mcol.timestamp('updatedAt'),
        ],
        indices: [
          { name: 'ix_inspection_plans_customer', columnNames: ['customerId'] },
          { name: 'ix_inspection_plans_contract', columnNames: ['contractId'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'inspections',
        columns: [
          mcol.id(),
          mcol.ref('planId'),
          mcol.ref('contractId'),
          mcol.ref('customerId'),
          mcol.ref('siteId'),
          mcol.ref('centreId', true),
          mcol.text('kind', 16),
          mcol.text('occurrenceKey', 64),
          mcol.text('label', 120),
          mcol.text('holidayPeriod', 24, true),
          mcol.text('scheduledDate', 10),
          mcol.text('dueBy', 10),
          mcol.timestamp('visitDueAt'),
          mcol.text('status', 16),
          mcol.text('managementLevel', 16),
          mcol.timestamp('visitedAt', true),
          mcol.text('engineer', 120, true),
          mcol.timestamp('visitOverdueAt', true),
          mcol.text('reportDeadline', 32),
          mcol.timestamp('reportDueAt', true),
          mcol.timestamp('reportWarnedAt', true),
          mcol.timestamp('reportOverdueAt', true),
          mcol.timestamp('reportSubmittedAt', true),
          mcol.text('reportSubmittedBy', 120, true),
          mcol.longText('reportSummary', true),
          mcol.longText('reportRecommendations', true),
          mcol.timestamp('cancelledAt', true),
          mcol.text('cancelReason', 500, true),
          mcol.int('eventSeq', false, 0),
          mcol.timestamp('createdAt'),
          mcol.timestamp('updatedAt'),
        ],
        indices: [
          { name: 'uq_inspections_plan_occurrence', columnNames: ['planId', 'occurrenceKey'], isUnique: true },
          { name: 'ix_inspections_customer', columnNames: ['customerId', 'scheduledDate'] },
          { name: 'ix_inspections_centre', columnNames: ['centreId', 'scheduledDate'] },
          { name: 'ix_inspections_status', columnNames: ['status', 'scheduledDate'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'inspection_items',
        columns: [
          mcol.id(),
          mcol.ref('inspectionId'),
          mcol.ref('customerId'),
          mcol.ref('deviceId'),
          mcol.text('serialNumber', 64),
          mcol.text('state', 16),
          mcol.longText('findings'),
          mcol.longText('recommendedActions', true),
          mcol.ref('incidentId', true),
          mcol.timestamp('recordedAt'),
          mcol.text('recordedBy', 120),
        ],
        indices: [
          { name: 'uq_inspection_items_device', columnNames: ['inspectionId', 'deviceId'], isUnique: true },
          { name: 'ix_inspection_items_customer', columnNames: ['customerId'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'inspection_events',
        columns: [
          mcol.id(),
          mcol.ref('inspectionId'),
          mcol.ref('customerId'),
          mcol.int('seq'),
          mcol.timestamp('at'),
          mcol.text('type', 32),
          mcol.text('actor', 120),
          mcol.text('message', 1000),
        ],
        indices: [{ name: 'uq_inspection_events_seq', columnNames: ['inspectionId', 'seq'], isUnique: true }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['inspection_events', 'inspection_items', 'inspections', 'inspection_plans']) await q.dropTable(table);
  }
}
