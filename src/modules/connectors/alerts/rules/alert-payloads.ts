/**
 * Pure parsing and mapping of monitoring payloads: Prometheus Alertmanager (webhook version 4),
 * Zabbix webhook media JSON, and a generic JSON object read through the connector's field paths.
 * No database: the service turns the result into incidents.
 */
import { z } from 'zod';

export type AlertFormat = 'ALERTMANAGER' | 'ZABBIX' | 'GENERIC';
export type DeviceIdentifier = 'SERIAL_NUMBER' | 'HOST_NAME' | 'ASSET_TAG';
export type AlertSeverity = 'P1' | 'P2' | 'P3' | 'P4';

/** The connector's mapping rules (stored as JSON on the connector). */
export interface AlertMappingRules {
  /** Label (Alertmanager), parameter (Zabbix) or dot path (generic) that names the device. */
  deviceField: string;
  deviceIdentifier: DeviceIdentifier;
  /** Where the severity is read from; its values are translated by severityMap. */
  severityField: string;
  severityMap: Array<{ value: string; severity: AlertSeverity }>;
  defaultSeverity: AlertSeverity;
  /** Site of alerts that name no device at all (an incident at the site); alerts naming an unknown device stay unmatched. */
  defaultSiteId: string | null;
  /** `{{name}}` placeholders are filled from the alert's labels, annotations or fields, plus `device` and `severity`. */
  summaryTemplate: string;
  /** Generic only: dot path of the status, values meaning "resolved", dot path of a stable alert id, dot path of an array of alerts. */
  statusField: string | null;
  resolvedValues: string[];
  fingerprintField: string | null;
  alertsPath: string | null;
}

export const DEFAULT_RULES: Record<AlertFormat, AlertMappingRules> = {
  ALERTMANAGER: {
    deviceField: 'serial',
    deviceIdentifier: 'SERIAL_NUMBER',
    severityField: 'severity',
    severityMap: [
      { value: 'critical', severity: 'P1' },
      { value: 'error', severity: 'P2' },
      { value: 'warning', severity: 'P3' },
      { value: 'info', severity: 'P4' },
    ],
    defaultSeverity: 'P3',
    defaultSiteId: null,
    summaryTemplate: '{{alertname}}: {{summary}}',
    statusField: null,
    resolvedValues: [],
    fingerprintField: null,
    alertsPath: null,
  },
  ZABBIX: {
    deviceField: 'host_host',
    deviceIdentifier: 'HOST_NAME',
    severityField: 'event_severity',
    severityMap: [
      { value: 'Disaster', severity: 'P1' },
      { value: 'High', severity: 'P2' },
      { value: 'Average', severity: 'P3' },
      { value: 'Warning', severity: 'P4' },
      { value: 'Information', severity: 'P4' },
    ],
    defaultSeverity: 'P3',
    defaultSiteId: null,
    summaryTemplate: '{{alert_subject}}',
    statusField: null,
    resolvedValues: [],
    fingerprintField: null,
    alertsPath: null,
  },
  GENERIC: {
    deviceField: 'device',
    deviceIdentifier: 'SERIAL_NUMBER',
    severityField: 'severity',
    severityMap: [
      { value: 'critical', severity: 'P1' },
      { value: 'major', severity: 'P2' },
      { value: 'minor', severity: 'P3' },
      { value: 'warning', severity: 'P4' },
    ],
    defaultSeverity: 'P3',
    defaultSiteId: null,
    summaryTemplate: '{{summary}}',
    statusField: 'status',
    resolvedValues: ['resolved', 'ok', 'cleared'],
    fingerprintField: 'id',
    alertsPath: null,
  },
};

/** One alert as received, before mapping. */
export interface ReceivedAlert {
  fingerprint: string;
  /** Alertmanager's group: every alert of one group for one device belongs to one incident. */
  groupKey: string | null;
  resolved: boolean;
  fields: Record<string, string>;
  startsAt: Date | null;
}

export type Parsed = { ok: true; alerts: ReceivedAlert[] } | { ok: false; reason: string };

const stringMap = z.record(z.string(), z.string());
const isoInstant = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an RFC 3339 instant');

/** Alertmanager's webhook_config payload, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
const alertmanagerPayload = z.object({
  version: z.literal('4', { message: 'only Alertmanager webhook version "4" is understood' }),
  groupKey: z.string().min(1),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  groupLabels: stringMap.optional(),
  commonLabels: stringMap.optional(),
  commonAnnotations: stringMap.optional(),
  externalURL: z.string().optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: stringMap,
        annotations: stringMap.optional(),
        startsAt: isoInstant,
        endsAt: z.string().optional(),
        generatorURL: z.string().optional(),
        fingerprint: z.string().min(1),
      }),
    )
    .min(1, 'alerts[] is empty'),
});

/** The parameters our Zabbix webhook media type sends (README): Zabbix macros, one string each. */
const zabbixPayload = z.object({
  event_id: z.string().min(1),
  event_value: z.enum(['0', '1'], { message: 'event_value must be "1" (problem) or "0" (recovery)' }),
  event_severity: z.string().optional(),
  event_nseverity: z.string().optional(),
  event_update_status: z.string().optional(),
  event_date: z.string().optional(),
  event_time: z.string().optional(),
  host_host: z.string().optional(),
  host_name: z.string().optional(),
  trigger_id: z.string().optional(),
  alert_subject: z.string().optional(),
  alert_message: z.string().optional(),
});

const issues = (error: z.ZodError): string =>
  error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');

/** Zabbix sends a macro it cannot resolve as its own name, e.g. "{EVENT.RECOVERY.ID}". */
const unresolvedMacro = (v: string) => /^\{[A-Z0-9_.]+\}$/.test(v);

export function parseAlertPayload(format: AlertFormat, body: unknown, rules: AlertMappingRules): Parsed {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, reason: 'the body must be a JSON object' };
  switch (format) {
    case 'ALERTMANAGER': {
      const parsed = alertmanagerPayload.safeParse(body);
      if (!parsed.success) return { ok: false, reason: `not an Alertmanager v4 payload: ${issues(parsed.error)}` };
      const p = parsed.data;
      return {
        ok: true,
        alerts: p.alerts.map((a) => ({
          fingerprint: a.fingerprint,
          groupKey: p.groupKey,
          resolved: a.status === 'resolved',
          fields: { ...(p.commonAnnotations ?? {}), ...(a.annotations ?? {}), ...(p.commonLabels ?? {}), ...a.labels },
          startsAt: new Date(a.startsAt),
        })),
      };
    }
    case 'ZABBIX': {
      const parsed = zabbixPayload.safeParse(body);
      if (!parsed.success) return { ok: false, reason: `not a Zabbix webhook payload: ${issues(parsed.error)}` };
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(body as Record<string, unknown>))
        if (typeof v === 'string' && !unresolvedMacro(v)) fields[k] = v;
        else if (typeof v === 'number' || typeof v === 'boolean') fields[k] = String(v);
      const at = fields.event_date && fields.event_time ? new Date(`${fields.event_date.replace(/\./g, '-')}T${fields.event_time}Z`) : null;
      return {
        ok: true,
        // In a recovery message {EVENT.ID} is still the problem's id: problem and recovery share the fingerprint.
        alerts: [
          {
            fingerprint: `zabbix:${parsed.data.event_id}`,
            groupKey: null,
            resolved: parsed.data.event_value === '0',
            fields,
            startsAt: at && !Number.isNaN(at.getTime()) ? at : null,
          },
        ],
      };
    }
    case 'GENERIC': {
      const list = rules.alertsPath ? readPath(body, rules.alertsPath) : [body];
      if (!Array.isArray(list)) return { ok: false, reason: `${rules.alertsPath} is not an array` };
      if (list.length === 0) return { ok: false, reason: 'no alerts in the body' };
      const alerts: ReceivedAlert[] = [];
      for (const [i, item] of list.entries()) {
        if (item === null || typeof item !== 'object') return { ok: false, reason: `alert ${i} is not an object` };
        const fields = flatten(item);
        const status = rules.statusField ? (fields[rules.statusField] ?? '') : '';
        const fingerprint = rules.fingerprintField ? fields[rules.fingerprintField] : undefined;
        if (rules.fingerprintField && !fingerprint) return { ok: false, reason: `alert ${i} has no ${rules.fingerprintField}` };
        alerts.push({
          fingerprint:
            fingerprint ??
            `${fields[rules.deviceField] ?? ''}|${fields[rules.severityField] ?? ''}|${renderSummary(rules.summaryTemplate, fields)}`,
          groupKey: null,
          resolved: rules.resolvedValues.some((v) => v.toLowerCase() === status.toLowerCase()),
          fields,
          startsAt: null,
        });
      }
      return { ok: true, alerts };
    }
  }
}

/** An alert after the connector's rules: what device, how severe, which incident it belongs to. */
export interface MappedAlert {
  /** Alerts with the same key belong to one incident while it is open. */
  dedupeKey: string;
  fingerprint: string;
  deviceRef: string | null;
  severity: AlertSeverity;
  summary: string;
  resolved: boolean;
  startsAt: Date | null;
  fields: Record<string, string>;
}

export function mapAlert(alert: ReceivedAlert, rules: AlertMappingRules): MappedAlert {
  const deviceRef = alert.fields[rules.deviceField]?.trim() || null;
  const raw = alert.fields[rules.severityField];
  const severity =
    rules.severityMap.find((m) => raw !== undefined && m.value.toLowerCase() === raw.toLowerCase())?.severity ?? rules.defaultSeverity;
  const vars = { ...alert.fields, device: deviceRef ?? '', severity };
  const summary = renderSummary(rules.summaryTemplate, vars) || `Monitoring alert${deviceRef ? ` on ${deviceRef}` : ''}`;
  return {
    dedupeKey: alert.groupKey ? `group:${alert.groupKey}|device:${deviceRef ?? ''}` : `alert:${alert.fingerprint}`,
    fingerprint: alert.fingerprint,
    deviceRef,
    severity,
    summary: summary.slice(0, 500),
    resolved: alert.resolved,
    startsAt: alert.startsAt,
    fields: alert.fields,
  };
}

/** Alerts of one payload that belong to the same incident, handled as one unit. */
export interface AlertUnit {
  dedupeKey: string;
  deviceRef: string | null;
  /** The most severe of the unit's alerts. */
  severity: AlertSeverity;
  summary: string;
  /** Resolved only when every alert of the unit is. */
  resolved: boolean;
  count: number;
  fingerprints: string[];
  startsAt: Date | null;
  fields: Record<string, string>;
}

const SEVERITY_RANK: Record<AlertSeverity, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };

export function groupAlerts(alerts: MappedAlert[]): AlertUnit[] {
  const units = new Map<string, AlertUnit>();
  for (const a of alerts) {
    const unit = units.get(a.dedupeKey);
    if (!unit) {
      units.set(a.dedupeKey, {
        dedupeKey: a.dedupeKey,
        deviceRef: a.deviceRef,
        severity: a.severity,
        summary: a.summary,
        resolved: a.resolved,
        count: 1,
        fingerprints: [a.fingerprint],
        startsAt: a.startsAt,
        fields: a.fields,
      });
      continue;
    }
    unit.count += 1;
    if (!unit.fingerprints.includes(a.fingerprint) && unit.fingerprints.length < 20) unit.fingerprints.push(a.fingerprint);
    if (SEVERITY_RANK[a.severity] < SEVERITY_RANK[unit.severity]) {
      unit.severity = a.severity;
      unit.summary = a.summary;
    }
    unit.resolved = unit.resolved && a.resolved;
    if (a.startsAt && (!unit.startsAt || a.startsAt < unit.startsAt)) unit.startsAt = a.startsAt;
  }
  return [...units.values()];
}

export function renderSummary(template: string, vars: Record<string, string>): string {
  return template
    .replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => vars[name] ?? '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s:,-]+|[\s:,-]+$/g, '');
}

function readPath(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Scalars of a nested object by dot path ("host.serial"), strings only. */
function flatten(value: object, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
  }
  return out;
}
