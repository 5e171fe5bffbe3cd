import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { mcol } from '../src/platform/db/migration-columns';

/** Inbound monitoring alerts: connectors, their delivery log, unmatched alerts, alert→incident links, device aliases. */
export class AlertConnectors1763840000000 implements MigrationInterface {
  name = 'AlertConnectors1763840000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'alert_connectors',
        columns: [
          mcol.id(),
          mcol.ref('customerId'),
          mcol.text('name', 120),
          mcol.text('format', 16),
          mcol.json('mapping'),
          mcol.text('secretHash', 64),
          mcol.longText('secretSealed'),
          mcol.bool('enabled', true),
          mcol.text('createdBy', 120),
          mcol.timestamp('createdAt'),
        ],
        indices: [{ name: 'ix_alert_connectors_customer', columnNames: ['customerId'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'alert_deliveries',
        columns: [
          mcol.id(),
          mcol.ref('connectorId'),
          mcol.ref('customerId'),
          mcol.timestamp('receivedAt'),
          mcol.text('outcome', 16),
          mcol.int('alertCount'),
          mcol.text('dedupeKey', 300, true),
          mcol.text('deviceRef', 200, true),
          mcol.ref('incidentId', true),
          mcol.text('reason', 500, true),
        ],
        indices: [{ name: 'ix_alert_deliveries_connector', columnNames: ['connectorId', 'receivedAt'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'unmatched_alerts',
        columns: [
          mcol.id(),
          mcol.ref('connectorId'),
          mcol.ref('customerId'),
          mcol.text('dedupeHash', 64),
          mcol.text('dedupeKey', 300),
          mcol.text('deviceRef', 200, true),
          mcol.text('severity', 2),
          mcol.text('summary', 500),
          mcol.longText('fields'),
          mcol.int('count'),
          mcol.bool('resolved', false),
          mcol.timestamp('firstSeenAt'),
          mcol.timestamp('lastSeenAt'),
          mcol.ref('linkedDeviceId', true),
          mcol.ref('linkedIncidentId', true),
          mcol.timestamp('linkedAt', true),
          mcol.text('linkedBy', 120, true),
        ],
        indices: [
          { name: 'ix_unmatched_alerts_open', columnNames: ['connectorId', 'dedupeHash', 'linkedAt'] },
          { name: 'ix_unmatched_alerts_seen', columnNames: ['lastSeenAt'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'alert_incident_links',
        columns: [
          mcol.id(),
          mcol.ref('connectorId'),
          mcol.text('dedupeHash', 64),
          mcol.int('generation'),
          mcol.ref('incidentId'),
          mcol.int('count'),
          mcol.timestamp('firstSeenAt'),
          mcol.timestamp('lastSeenAt'),
          mcol.timestamp('lastTimelineAt', true),
          mcol.timestamp('clearedAt', true),
          mcol.bool('closed', false),
        ],
        indices: [{ name: 'uq_alert_incident_links_key', columnNames: ['connectorId', 'dedupeHash', 'generation'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'alert_device_aliases',
        columns: [
          mcol.id(),
          mcol.ref('customerId'),
          mcol.text('identifier', 16),
          mcol.text('value', 200),
          mcol.ref('deviceId'),
          mcol.timestamp('createdAt'),
        ],
        indices: [{ name: 'uq_alert_device_aliases', columnNames: ['customerId', 'identifier', 'value'], isUnique: true }],
      }),
    );
    await q.addColumn('incidents', new TableColumn(mcol.timestamp('monitoringClearedAt', true)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('incidents', 'monitoringClearedAt');
    for (const table of ['alert_device_aliases', 'alert_incident_links', 'unmatched_alerts', 'alert_deliveries', 'alert_connectors'])
      await q.dropTable(table);
  }
}
