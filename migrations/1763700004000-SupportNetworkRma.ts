import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { mcol } from '../src/platform/db/migration-columns';

export class SupportNetworkRma1763700004000 implements MigrationInterface {
  name = 'SupportNetworkRma1763700004000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'support_centres',
        columns: [
          mcol.id(),
          mcol.text('code', 32),
          mcol.text('name', 200),
          mcol.int('tier'),
          mcol.text('region', 40),
          mcol.text('contactName', 200, true),
          mcol.text('contactEmail', 200, true),
          mcol.text('contactPhone', 64, true),
          mcol.ref('parentId', true),
          mcol.text('kafkaSourceId', 120, true),
          mcol.timestamp('createdAt'),
        ],
        indices: [
          { name: 'uq_support_centres_code', columnNames: ['code'], isUnique: true },
          { name: 'uq_support_centres_source', columnNames: ['kafkaSourceId'], isUnique: true },
          { name: 'ix_support_centres_parent', columnNames: ['parentId'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'centre_escalations',
        columns: [
          mcol.id(),
          mcol.text('subjectType', 16),
          mcol.ref('subjectId'),
          mcol.ref('fromCentreId'),
          mcol.ref('toCentreId'),
          mcol.longText('reason', true),
          mcol.text('escalatedBy', 120),
          mcol.timestamp('occurredAt'),
          mcol.timestamp('recordedAt'),
        ],
        indices: [{ name: 'ix_centre_escalations_subject', columnNames: ['subjectType', 'subjectId', 'occurredAt'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'rmas',
        columns: [
          mcol.id(),
          mcol.text('number', 40),
          mcol.text('status', 32),
          mcol.text('disposition', 24),
          mcol.text('dispositionReason', 64),
          mcol.ref('referenceRmaId', true),
          mcol.ref('customerId'),
          mcol.ref('deviceId'),
          mcol.text('serialNumber', 64),
          mcol.ref('siteId'),
          mcol.ref('incidentId', true),
          mcol.ref('centreId'),
          mcol.ref('originCentreId'),
          mcol.longText('problem'),
          mcol.json('faultyPartNumbers'),
          mcol.text('createdBy', 120),
          mcol.timestamp('requestedAt'),
          mcol.timestamp('outOfServiceAt'),
          mcol.timestamp('statusChangedAt'),
          mcol.timestamp('approvedAt', true),
          mcol.timestamp('validUntil', true),
          mcol.timestamp('advanceShippedAt', true),
          mcol.timestamp('defectiveReceivedAt', true),
          mcol.timestamp('repairStartedAt', true),
          mcol.timestamp('repairCompletedAt', true),
          mcol.timestamp('returnedAt', true),
          mcol.timestamp('replacedAt', true),
          mcol.timestamp('rejectedAt', true),
          mcol.timestamp('expiredAt', true),
          mcol.text('rejectionReason', 1000, true),
          mcol.timestamp('serviceRestoredAt', true),
          mcol.text('replacementSerialNumber', 64, true),
          mcol.int('loanerThresholdWorkingDays'),
          mcol.timestamp('loanerDeadline', true),
          mcol.timestamp('projectedCompletionAt', true),
          mcol.bool('loanerRequired', false),
          mcol.timestamp('loanerRequiredAt', true),
          mcol.text('loanerBasis', 16, true),
          mcol.timestamp('loanerDueAt', true),
          mcol.ref('loanerAssignmentId', true),
          mcol.text('loanerSerialNumber', 64, true),
          mcol.text('loanerModel', 100, true),
          mcol.text('loanerMatch', 16, true),
          mcol.ref('loanerDepotId', true),
          mcol.timestamp('loanerAssignedAt', true),
          mcol.timestamp('loanerDeliveredAt', true),
          mcol.text('partsWaiverReference', 120, true),
          mcol.text('partsWaiverSignedBy', 200, true),
          mcol.timestamp('partsWaiverAt', true),
          mcol.text('partsWaiverRecordedBy', 120, true),
          mcol.int('eventSeq', false, 0),
          mcol.timestamp('createdAt'),
          mcol.timestamp('updatedAt'),
        ],
        indices: [
          { name: 'uq_rmas_number', columnNames: ['number'], isUnique: true },
          { name: 'ix_rmas_serial', columnNames: ['serialNumber', 'requestedAt'] },
          { name: 'ix_rmas_centre', columnNames: ['centreId'] },
          { name: 'ix_rmas_origin', columnNames: ['originCentreId'] },
          { name: 'ix_rmas_customer', columnNames: ['customerId'] },
          { name: 'ix_rmas_status', columnNames: ['status', 'createdAt'] },
          { name: 'ix_rmas_created', columnNames: ['createdAt'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'rma_parts',
        columns: [
          mcol.id(),
          mcol.ref('rmaId'),
          mcol.text('kind', 16),
          mcol.text('partNumber', 64),
          mcol.text('description', 200, true),
          mcol.text('condition', 16, true),
          mcol.text('source', 32, true),
          mcol.text('manufacturer', 100, true),
          mcol.text('serialNumber', 64, true),
          mcol.int('quantity'),
          mcol.bool('waiverApplied', false),
          mcol.timestamp('recordedAt'),
          mcol.text('recordedBy', 120),
        ],
        indices: [{ name: 'ix_rma_parts_rma', columnNames: ['rmaId'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'rma_events',
        columns: [
          mcol.id(),
          mcol.ref('rmaId'),
          mcol.text('rmaNumber', 40),
          mcol.int('seq'),
          mcol.text('serialNumber', 64),
          mcol.ref('customerId'),
          mcol.ref('originCentreId'),
          mcol.text('eventId', 64, true),
          mcol.text('type', 40),
          mcol.text('source', 120),
          mcol.ref('actorCentreId', true),
          mcol.text('fromStatus', 32, true),
          mcol.text('toStatus', 32, true),
          mcol.bool('late', false),
          mcol.timestamp('occurredAt'),
          mcol.timestamp('recordedAt'),
          mcol.json('payload', true),
        ],
        indices: [
          { name: 'uq_rma_events_seq', columnNames: ['rmaId', 'seq'], isUnique: true },
          { name: 'ix_rma_events_serial', columnNames: ['serialNumber', 'occurredAt'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'rma_held_events',
        columns: [
          mcol.id(),
          mcol.text('rmaNumber', 40),
          mcol.text('eventId', 64),
          mcol.text('type', 40),
          mcol.text('source', 120),
          mcol.timestamp('occurredAt'),
          mcol.timestamp('receivedAt'),
          mcol.timestamp('expiresAt'),
          mcol.text('waitingFor', 300),
          mcol.longText('envelope'),
          mcol.text('topic', 120),
          mcol.int('partition'),
          mcol.text('offset', 40),
          mcol.text('messageKey', 120, true),
          mcol.longText('raw'),
        ],
        indices: [
          { name: 'uq_rma_held_event', columnNames: ['eventId'], isUnique: true },
          { name: 'ix_rma_held_number', columnNames: ['rmaNumber', 'occurredAt'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'rma_counters',
        columns: [{ ...mcol.int('year'), isPrimary: true }, mcol.int('lastSequence')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'rma_streams',
        columns: [{ ...mcol.text('number', 40), isPrimary: true }, mcol.timestamp('createdAt')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'rma_streams',
      'rma_counters',
      'rma_held_events',
      'rma_events',
      'rma_parts',
      'rmas',
      'centre_escalations',
      'support_centres',
    ])
      await q.dropTable(table);
  }
}
