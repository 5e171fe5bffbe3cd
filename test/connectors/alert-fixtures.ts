/** Payloads shaped as Alertmanager's webhook_config (version 4) and our Zabbix media type send them. */
import { Webhook } from 'standardwebhooks';
import type { TestHub } from '../support/hub';

export function alertmanagerPayload(options: {
  status: 'firing' | 'resolved';
  groupKey: string;
  alerts: Array<{
    status?: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    fingerprint: string;
    startsAt?: string;
    endsAt?: string;
  }>;
}) {
  const startsAt = '2026-12-06T05:00:00.000Z';
  return {
    receiver: 'service-hub',
    status: options.status,
    alerts: options.alerts.map((a) => ({
      status: a.status ?? options.status,
      labels: a.labels,
      annotations: a.annotations ?? {},
      startsAt: a.startsAt ?? startsAt,
      endsAt: a.endsAt ?? (options.status === 'resolved' ? '2026-12-06T05:30:00.000Z' : '0001-01-01T00:00:00Z'),
      generatorURL: 'http://prometheus.example:9090/graph?g0.expr=up+%3D%3D+0',
      fingerprint: a.fingerprint,
    })),
    groupLabels: { alertname: options.alerts[0]?.labels.alertname ?? '' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    version: '4',
    groupKey: options.groupKey,
    truncatedAlerts: 0,
  };
}

export function zabbixPayload(options: { eventId: string; value: '1' | '0'; host: string; severity: string; subject: string }) {
  return {
    event_id: options.eventId,
    event_value: options.value,
    event_severity: options.severity,
    event_nseverity: '4',
    event_update_status: '0',
    event_recovery_id: options.value === '0' ? String(Number(options.eventId) + 1) : '{EVENT.RECOVERY.ID}',
    event_date: '2026.12.06',
    event_time: '05:10:00',
    event_tags: '[{"tag":"scope","value":"availability"}]',
    host_host: options.host,
    host_name: options.host.toUpperCase(),
    trigger_id: '23001',
    alert_subject: options.subject,
    alert_message: `Problem: ${options.subject}`,
  };
}

export async function postAlert(
  t: TestHub,
  path: string,
  body: unknown,
  auth: { bearer?: string; signWith?: string; headers?: Record<string, string> } = {},
) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(auth.headers ?? {}) };
  if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
  if (auth.signWith) {
    const id = `msg_${Math.random().toString(36).slice(2)}`;
    const now = new Date();
    headers['webhook-id'] = id;
    headers['webhook-timestamp'] = String(Math.floor(now.getTime() / 1000));
    headers['webhook-signature'] = new Webhook(auth.signWith).sign(id, now, raw);
  }
  const response = await fetch(`${t.url}${path}`, { method: 'POST', headers, body: raw });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
}

export const CREATE_CONNECTOR = `mutation($i: CreateAlertConnectorInput!) {
  createAlertConnector(input: $i) { secret ingestPath connector { id customerId format mapping { deviceField deviceIdentifier defaultSeverity } } }
}`;

export const DELIVERIES = `query($c: ID!) { alertDeliveries(connectorId: $c, first: 50) { totalCount edges { node { outcome alertCount incidentId reason deviceRef } } } }`;

export const DEVICE_INCIDENTS = `query($d: ID!) { incidents(filter: { deviceId: $d }, first: 50) { totalCount edges { node {
  id severity status channel summary monitoringClearedAt reportedBy timeline { type message actor }
} } } }`;
