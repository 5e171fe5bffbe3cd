import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { mcol } from '../src/platform/db/migration-columns';

/** Working-day calendars, service contracts and incidents with their timeline, escalations and reports. */
export class Incidents1763700002000 implements MigrationInterface {
  name = 'Incidents1763700002000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'calendar_days',
        columns: [
          mcol.id(),
          mcol.text('region', 16),
          mcol.text('date', 10),
          mcol.text('kind', 16),
          mcol.text('name', 100, true),
          mcol.text('source', 16),
          mcol.timestamp('updatedAt'),
          mcol.text('updatedBy', 120),
        ],
        indices: [{ name: 'uq_calendar_days_region_date', columnNames: ['region', 'date'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'calendar_years',
        columns: [
          mcol.id(),
          mcol.text('region', 16),
          mcol.int('year'),
          mcol.text('source', 80),
          mcol.timestamp('importedAt'),
          mcol.text('importedBy', 120),
        ],
        indices: [{ name: 'uq_calendar_years_region_year', columnNames: ['region', 'year'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'service_contracts',
        columns: [
          mcol.id(),
          mcol.text('code', 40),
          mcol.text('name', 200),
          mcol.ref('customerId', true),
          mcol.text('kind', 16),
          mcol.json('coverage'),
          mcol.text('calendarRegion', 16, true),
          mcol.text('timeZone', 64),
          mcol.json('targets'),
          mcol.json('escalationPolicy'),
          mcol.text('emergencyProgressInterval', 32),
          mcol.timestamp('createdAt'),
          mcol.timestamp('updatedAt'),
          mcol.int('version', false, 1),
        ],
        indices: [{ name: 'uq_service_contracts_code', columnNames: ['code'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'contract_assignments',
        columns: [
          mcol.id(),
          mcol.ref('contractId'),
          mcol.text('subjectType', 16),
          mcol.ref('subjectId'),
          mcol.text('kind', 16),
          mcol.ref('customerId'),
          mcol.timestamp('assignedAt'),
          mcol.text('assignedBy', 120),
        ],
        indices: [
          { name: 'uq_contract_assignments_subject', columnNames: ['subjectType', 'subjectId', 'kind'], isUnique: true },
          { name: 'ix_contract_assignments_customer', columnNames: ['customerId'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'incidents',
        columns: [
          mcol.id(),
          mcol.ref('customerId'),
          mcol.ref('siteId'),
          mcol.ref('deviceId', true),
          mcol.ref('contractId'),
          mcol.ref('assignedCentreId', true),
          mcol.int('supportTier'),
          mcol.text('managementLevel', 16),
          mcol.text('severity', 2),
          mcol.text('status', 24),
          mcol.text('channel', 16),
          mcol.text('summary', 500),
          mcol.longText('description', true),
          mcol.text('externalRef', 120, true),
          mcol.text('emergencyKind', 24, true),
          mcol.bool('emergencyActive', false),
          mcol.timestamp('emergencyActivatedAt', true),
          mcol.timestamp('nextProgressDueAt', true),
          mcol.timestamp('lastProgressAt', true),
          mcol.timestamp('occurredAt', true),
          mcol.timestamp('reportedAt'),
          mcol.text('reportedBy', 120),
          mcol.json('coverage'),
          mcol.text('calendarRegion', 16),
          mcol.text('distanceClass', 16),
          mcol.json('clocks'),
          mcol.json('jobKeys'),
          mcol.timestamp('nextDueAt', true),
          mcol.bool('breached', false),
          mcol.bool('calendarIncomplete', false),
          mcol.timestamp('acknowledgedAt', true),
          mcol.timestamp('restoredAt', true),
          mcol.timestamp('closedAt', true),
          mcol.text('closedBy', 120, true),
          mcol.text('closureConsentRef', 200, true),
          mcol.int('satisfaction', true),
          mcol.text('customerComment', 1000, true),
          mcol.int('eventSeq', false, 0),
          mcol.timestamp('updatedAt'),
        ],
        indices: [
          { name: 'uq_incidents_customer_ref', columnNames: ['customerId', 'externalRef'], isUnique: true },
          { name: 'ix_incidents_customer', columnNames: ['customerId', 'reportedAt'] },
          { name: 'ix_incidents_device', columnNames: ['deviceId', 'reportedAt'] },
          { name: 'ix_incidents_site', columnNames: ['siteId'] },
          { name: 'ix_incidents_status', columnNames: ['status', 'nextDueAt'] },
          { name: 'ix_incidents_centre', columnNames: ['assignedCentreId'] },
          { name: 'ix_incidents_contract', columnNames: ['contractId'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'incident_events',
        columns: [
          mcol.id(),
          mcol.ref('incidentId'),
          mcol.ref('customerId'),
          mcol.int('seq'),
          mcol.timestamp('at'),
          mcol.text('type', 32),
          mcol.text('actor', 120),
          mcol.text('fromStatus', 24, true),
          mcol.text('toStatus', 24, true),
          mcol.text('clock', 16, true),
          mcol.text('message', 1000),
          mcol.longText('details', true),
        ],
        indices: [{ name: 'uq_incident_events_seq', columnNames: ['incidentId', 'seq'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'incident_escalations',
        columns: [
          mcol.id(),
          mcol.ref('incidentId'),
          mcol.ref('customerId'),
          mcol.int('seq'),
          mcol.timestamp('at'),
          mcol.text('kind', 32),
          mcol.text('trigger', 24),
          mcol.text('clock', 16, true),
          mcol.text('fromValue', 16),
          mcol.text('toValue', 16),
          mcol.text('reason', 500),
          mcol.text('jobKey', 200, true),
        ],
        indices: [{ name: 'ix_incident_escalations_incident', columnNames: ['incidentId', 'seq'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'incident_diagnoses',
        columns: [
          mcol.id(),
          mcol.ref('incidentId'),
          mcol.ref('customerId'),
          mcol.longText('findings'),
          mcol.longText('cause'),
          mcol.longText('actions'),
          mcol.json('partsUsed'),
          mcol.text('recordedBy', 120),
          mcol.timestamp('recordedAt'),
          mcol.int('revision'),
        ],
        indices: [{ name: 'uq_incident_diagnoses_incident', columnNames: ['incidentId'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'incident_emergency_reports',
        columns: [
          mcol.id(),
          mcol.ref('incidentId'),
          mcol.ref('customerId'),
          mcol.longText('summary'),
          mcol.longText('impact'),
          mcol.longText('rootCause'),
          mcol.longText('actionsTaken'),
          mcol.longText('preventiveMeasures'),
          mcol.text('submittedBy', 120),
          mcol.timestamp('submittedAt'),
        ],
        indices: [{ name: 'uq_incident_emergency_reports_incident', columnNames: ['incidentId'], isUnique: true }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'incident_emergency_reports',
      'incident_diagnoses',
      'incident_escalations',
      'incident_events',
      'incidents',
      'contract_assignments',
      'service_contracts',
      'calendar_years',
      'calendar_days',
    ])
      await q.dropTable(table);
  }
}
