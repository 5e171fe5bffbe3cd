import { DEFAULT_RULES, groupAlerts, mapAlert, parseAlertPayload, renderSummary } from './alert-payloads';

const am = (alerts: unknown[]) => ({
  version: '4',
  groupKey: '{}:{alertname="X"}',
  status: 'firing',
  receiver: 'hub',
  groupLabels: {},
  commonLabels: { job: 'node' },
  commonAnnotations: {},
  externalURL: '',
  truncatedAlerts: 0,
  alerts,
});
const amAlert = (serial: string, severity: string, fingerprint: string, status = 'firing') => ({
  status,
  labels: { alertname: 'X', severity, serial },
  annotations: { summary: `s-${fingerprint}` },
  startsAt: '2026-12-06T05:00:00Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: '',
  fingerprint,
});

describe('alert payload rules', () => {
  it('groups an Alertmanager group per device: most severe alert wins, resolved only when all are', () => {
    const parsed = parseAlertPayload(
      'ALERTMANAGER',
      am([amAlert('S1', 'warning', 'f1'), amAlert('S1', 'critical', 'f2', 'resolved'), amAlert('S2', 'warning', 'f3')]),
      DEFAULT_RULES.ALERTMANAGER,
    );
    if (!parsed.ok) throw new Error(parsed.reason);
    const units = groupAlerts(parsed.alerts.map((a) => mapAlert(a, DEFAULT_RULES.ALERTMANAGER)));
    expect(units.map((u) => [u.deviceRef, u.severity, u.count, u.resolved])).toEqual([
      ['S1', 'P1', 2, false],
      ['S2', 'P3', 1, false],
    ]);
    expect(parsed.alerts[0].fields.job).toBe('node');
  });

  it('refuses what is not Alertmanager v4, with the reason', () => {
    const r = parseAlertPayload('ALERTMANAGER', { ...am([]), version: '3' }, DEFAULT_RULES.ALERTMANAGER);
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/version "4"/) });
    expect(parseAlertPayload('ALERTMANAGER', [], DEFAULT_RULES.ALERTMANAGER)).toEqual({
      ok: false,
      reason: 'the body must be a JSON object',
    });
  });

  it('Zabbix: problem and recovery share the fingerprint; unresolved macros are dropped', () => {
    const problem = {
      event_id: '10',
      event_value: '1',
      event_severity: 'Disaster',
      host_host: 'h1',
      alert_subject: 'down',
      event_recovery_id: '{EVENT.RECOVERY.ID}',
    };
    const p = parseAlertPayload('ZABBIX', problem, DEFAULT_RULES.ZABBIX);
    const r = parseAlertPayload('ZABBIX', { ...problem, event_value: '0' }, DEFAULT_RULES.ZABBIX);
    if (!p.ok || !r.ok) throw new Error('parse failed');
    const [mp, mr] = [mapAlert(p.alerts[0], DEFAULT_RULES.ZABBIX), mapAlert(r.alerts[0], DEFAULT_RULES.ZABBIX)];
    expect(mp).toMatchObject({ dedupeKey: mr.dedupeKey, severity: 'P1', deviceRef: 'h1', resolved: false, summary: 'down' });
    expect(mr.resolved).toBe(true);
    expect(p.alerts[0].fields.event_recovery_id).toBeUndefined();
  });

  it('generic: reads dot paths and an alerts array', () => {
    const rules = { ...DEFAULT_RULES.GENERIC, deviceField: 'host.sn', alertsPath: 'items', fingerprintField: 'id' };
    const r = parseAlertPayload('GENERIC', { items: [{ id: 'a', host: { sn: 'S9' }, severity: 'major', status: 'OK' }] }, rules);
    if (!r.ok) throw new Error(r.reason);
    expect(mapAlert(r.alerts[0], rules)).toMatchObject({ deviceRef: 'S9', severity: 'P2', resolved: true });
    expect(parseAlertPayload('GENERIC', { items: {} }, rules)).toEqual({ ok: false, reason: 'items is not an array' });
  });

  it('renders summary templates, leaving no dangling separators for missing values', () => {
    expect(renderSummary('{{alertname}}: {{summary}}', { alertname: 'NodeDown' })).toBe('NodeDown');
  });
});
