import { Role } from '../../src/platform/auth/principal';
import { assignToCustomer, CALM_7X24, createContract, createWorld, World } from '../incidents/fixtures';
import { startTestHub, TestHub } from '../support/hub';
import { alertmanagerPayload, CREATE_CONNECTOR, DELIVERIES, DEVICE_INCIDENTS, postAlert, zabbixPayload } from './alert-fixtures';

const RATE_LIMIT = 60;

describe('inbound monitoring alerts (POST /integrations/alerts/<connectorId>)', () => {
  let t: TestHub;
  let w: World;

  beforeAll(async () => {
    t = await startTestHub({ env: { ALERT_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) } });
    w = await createWorld(t);
    for (const customerId of [w.customerA, w.customerB])
      await assignToCustomer(t, await createContract(t, { plan: CALM_7X24, customerId }), customerId);
  });
  afterAll(() => t.stop());

  const connector = async (key: string, input: Record<string, unknown>) =>
    (await t.ok(CREATE_CONNECTOR, { i: input }, key)).createAlertConnector;
  const incidentsOf = async (deviceId: string) => (await t.ok(DEVICE_INCIDENTS, { d: deviceId })).incidents;
  const deliveriesOf = async (connectorId: string, key?: string) => (await t.ok(DELIVERIES, { c: connectorId }, key)).alertDeliveries;

  it('a customer key creates a connector for its own organisation only; the secret is a whsec_ secret shown once', async () => {
    const own = await connector(w.keyA, { name: 'prom-a', format: 'ALERTMANAGER' });
    expect(own.secret).toMatch(/^whsec_/);
    expect(own.connector.customerId).toBe(w.customerA);
    expect(own.ingestPath).toBe(`/integrations/alerts/${own.connector.id}`);
    const other = await t.gql(CREATE_CONNECTOR, { i: { name: 'sneaky', format: 'ALERTMANAGER', customerId: w.customerB } }, w.keyA);
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const listed = await t.ok(`{ alertConnectors { id } }`, {}, w.keyB);
    expect(listed.alertConnectors.map((c: { id: string }) => c.id)).not.toContain(own.connector.id);
    const partner = await t.gql(
      `{ alertConnectors { id } }`,
      {},
      await t.createKey(
        Role.PARTNER,
        (
          await t.ok(`mutation($input: CreateSupportCentreInput!) { createSupportCentre(input: $input) { id } }`, {
            input: { code: 'LC-ALERTS', name: 'Partner centre', region: 'East', tier: 3 },
          })
        ).createSupportCentre.id,
      ),
    );
    expect(partner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('Alertmanager: fire, repeat, group and resolve make one incident with the mapped severity and a timeline', async () => {
    const c = await connector(w.keyA, { name: 'prom-fire', format: 'ALERTMANAGER' });
    const groupKey = '{}/{severity="critical"}:{alertname="NodeDown"}';
    const alerts = [
      {
        labels: { alertname: 'NodeDown', severity: 'critical', serial: w.deviceA1.serial, instance: '10.0.0.5:9100' },
        annotations: { summary: 'node exporter unreachable' },
        fingerprint: 'a1b2c3d4e5f60718',
      },
      {
        labels: { alertname: 'NodeDown', severity: 'warning', serial: w.deviceA1.serial, instance: '10.0.0.5:9182' },
        annotations: { summary: 'windows exporter unreachable' },
        fingerprint: 'b1b2c3d4e5f60718',
      },
    ];
    const fired = await postAlert(t, c.ingestPath, alertmanagerPayload({ status: 'firing', groupKey, alerts }), { bearer: c.secret });
    expect(fired.status).toBe(202);
    expect(fired.body.results).toHaveLength(1);
    expect(fired.body.results[0].outcome).toBe('ACCEPTED');

    // Alertmanager re-sends the group (repeat_interval) and retries a delivery: the same incident.
    const again = await postAlert(t, c.ingestPath, alertmanagerPayload({ status: 'firing', groupKey, alerts }), { bearer: c.secret });
    expect(again.body.results[0]).toMatchObject({ outcome: 'DEDUPLICATED', incidentId: fired.body.results[0].incidentId });

    const resolved = await postAlert(t, c.ingestPath, alertmanagerPayload({ status: 'resolved', groupKey, alerts }), { bearer: c.secret });
    expect(resolved.body.results[0]).toMatchObject({ outcome: 'CLEARED', incidentId: fired.body.results[0].incidentId });

    const list = await incidentsOf(w.deviceA1.id);
    expect(list.totalCount).toBe(1);
    const incident = list.edges[0].node;
    expect(incident).toMatchObject({
      id: fired.body.results[0].incidentId,
      severity: 'P1',
      channel: 'MONITORING',
      reportedBy: 'connector prom-fire',
    });
    expect(incident.summary).toBe('NodeDown: node exporter unreachable');
    expect(incident.status).not.toBe('CLOSED');
    expect(incident.monitoringClearedAt).not.toBeNull();
    const types = incident.timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual(['REPORTED', 'MONITORING_ALERT', 'MONITORING_CLEARED']);
    expect(incident.timeline[1].message).toMatch(/alert repeated \(count 4, last seen /);
    expect(incident.timeline[2].message).toMatch(/^monitoring cleared/);

    const log = await deliveriesOf(c.connector.id, w.keyA);
    expect(log.edges.map((e: { node: { outcome: string } }) => e.node.outcome).sort()).toEqual(['ACCEPTED', 'CLEARED', 'DEDUPLICATED']);
  });

  it('a wrong secret or signature gets 401 and stores nothing; a valid Standard Webhooks signature is accepted', async () => {
    const c = await connector(w.keyA, { name: 'prom-auth', format: 'ALERTMANAGER' });
    const payload = alertmanagerPayload({
      status: 'firing',
      groupKey: '{}:{alertname="DiskFull"}',
      alerts: [{ labels: { alertname: 'DiskFull', severity: 'warning', serial: w.deviceA2.serial }, fingerprint: 'ffff000011112222' }],
    });
    const other = await connector(w.keyA, { name: 'prom-other', format: 'ALERTMANAGER' });
    for (const auth of [
      {},
      { bearer: 'whsec_wrong' },
      { bearer: other.secret },
      { signWith: other.secret },
      { headers: { 'webhook-id': 'x', 'webhook-timestamp': '1', 'webhook-signature': 'v1,AAAA' } },
    ]) {
      const r = await postAlert(t, c.ingestPath, payload, auth);
      expect(r.status).toBe(401);
    }
    expect((await postAlert(t, '/integrations/alerts/00000000-0000-4000-8000-000000000000', payload, { bearer: c.secret })).status).toBe(
      401,
    );
    expect((await deliveriesOf(c.connector.id)).totalCount).toBe(0);
    expect((await incidentsOf(w.deviceA2.id)).totalCount).toBe(0);

    const signed = await postAlert(t, c.ingestPath, payload, { signWith: c.secret });
    expect(signed.status).toBe(202);
    expect(signed.body.results[0].outcome).toBe('ACCEPTED');
    expect((await incidentsOf(w.deviceA2.id)).totalCount).toBe(1);
  });

  it("another customer's device is refused and logged; a malformed payload gets 400 with the reason", async () => {
    const c = await connector(w.keyA, { name: 'prom-foreign', format: 'ALERTMANAGER' });
    const payload = alertmanagerPayload({
      status: 'firing',
      groupKey: '{}:{alertname="Foreign"}',
      alerts: [{ labels: { alertname: 'Foreign', severity: 'critical', serial: w.deviceB1.serial }, fingerprint: '0000aaaa0000bbbb' }],
    });
    const r = await postAlert(t, c.ingestPath, payload, { bearer: c.secret });
    expect(r.status).toBe(403);
    expect(r.body.results[0].outcome).toBe('REFUSED');
    expect((await incidentsOf(w.deviceB1.id)).totalCount).toBe(0);

    const bad = await postAlert(t, c.ingestPath, { version: '4', status: 'firing', alerts: [] }, { bearer: c.secret });
    expect(bad.status).toBe(400);
    expect(bad.body.reason).toMatch(/groupKey/);
    const notJson = await postAlert(t, c.ingestPath, '{"version":', { bearer: c.secret });
    expect(notJson.status).toBe(400);

    const log = await deliveriesOf(c.connector.id);
    expect(log.totalCount).toBe(3);
    const refused = log.edges.map((e: { node: { reason: string } }) => e.node.reason);
    expect(refused.some((reason: string) => reason.includes("does not belong to this connector's customer"))).toBe(true);
    expect(refused.filter((reason: string) => reason.startsWith('malformed:'))).toHaveLength(2);
  });

  it('Zabbix: an unknown host is kept unmatched (202), an operator links it, the incident opens, and the recovery clears it', async () => {
    const c = await connector(w.keyA, { name: 'zabbix-a', format: 'ZABBIX' });
    expect(c.connector.mapping).toMatchObject({ deviceField: 'host_host', deviceIdentifier: 'HOST_NAME' });
    const problem = zabbixPayload({
      eventId: '4711',
      value: '1',
      host: 'db-a-01',
      severity: 'High',
      subject: 'Zabbix agent on db-a-01 is unreachable for 5 minutes',
    });
    const first = await postAlert(t, c.ingestPath, problem, { bearer: c.secret });
    expect(first.status).toBe(202);
    expect(first.body.results[0].outcome).toBe('UNMATCHED');
    expect((await incidentsOf(w.deviceA1.id)).totalCount).toBe(1); // only the Alertmanager one above

    const unmatched = await t.ok(`{ unmatchedAlerts(first: 50) { edges { node { id connectorId deviceRef severity summary count } } } }`);
    const mine = unmatched.unmatchedAlerts.edges
      .map((e: { node: any }) => e.node)
      .find((n: { connectorId: string }) => n.connectorId === c.connector.id);
    expect(mine).toMatchObject({ deviceRef: 'db-a-01', severity: 'P2', count: 1 });
    const denied = await t.gql(`{ unmatchedAlerts { totalCount } }`, {}, w.keyA);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const wrong = await t.gql(`mutation($id: ID!, $d: ID!) { linkUnmatchedAlert(id: $id, deviceId: $d) { id } }`, {
      id: mine.id,
      d: w.deviceB1.id,
    });
    expect(wrong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const linked = await t.ok(
      `mutation($id: ID!, $d: ID!) { linkUnmatchedAlert(id: $id, deviceId: $d) { linkedDeviceId linkedIncidentId } }`,
      { id: mine.id, d: w.deviceA2.id },
    );
    expect(linked.linkUnmatchedAlert.linkedDeviceId).toBe(w.deviceA2.id);
    const incidentId = linked.linkUnmatchedAlert.linkedIncidentId;
    expect(incidentId).toBeTruthy();

    // The host name is now known: the problem again and its recovery reach the same incident.
    const repeat = await postAlert(t, c.ingestPath, problem, { bearer: c.secret });
    expect(repeat.body.results[0]).toMatchObject({ outcome: 'DEDUPLICATED', incidentId });
    const recovery = await postAlert(t, c.ingestPath, { ...problem, event_value: '0' }, { bearer: c.secret });
    expect(recovery.body.results[0]).toMatchObject({ outcome: 'CLEARED', incidentId });
    const incident = (
      await t.ok(`query($id: ID!) { incident(id: $id) { severity deviceId monitoringClearedAt status } }`, { id: incidentId })
    ).incident;
    expect(incident).toMatchObject({ severity: 'P2', deviceId: w.deviceA2.id, status: 'NEW' });
    expect(incident.monitoringClearedAt).not.toBeNull();
  });

  it('generic JSON is read through the field mapping stored on the connector', async () => {
    const c = await connector(w.keyA, {
      name: 'generic-a',
      format: 'GENERIC',
      mapping: {
        deviceField: 'host.serial',
        severityField: 'level',
        severityMap: [{ value: 'red', severity: 'P2' }],
        statusField: 'state',
        resolvedValues: ['green'],
        fingerprintField: 'check',
        alertsPath: 'events',
        summaryTemplate: '{{check}} failed on {{device}}',
      },
    });
    const body = (state: string) => ({ events: [{ check: 'raid-degraded', level: 'red', state, host: { serial: w.deviceA2.serial } }] });
    const fired = await postAlert(t, c.ingestPath, body('red'), { bearer: c.secret });
    expect(fired.body.results[0].outcome).toBe('ACCEPTED');
    const incident = (await t.ok(`query($id: ID!) { incident(id: $id) { severity summary } }`, { id: fired.body.results[0].incidentId }))
      .incident;
    expect(incident).toEqual({ severity: 'P2', summary: `raid-degraded failed on ${w.deviceA2.serial}` });
    const cleared = await postAlert(t, c.ingestPath, body('green'), { bearer: c.secret });
    expect(cleared.body.results[0].outcome).toBe('CLEARED');
  });

  it('a storm of 1,000 alerts for one device opens one incident, and deliveries past the per-connector limit get 429 with Retry-After', async () => {
    const c = await connector(w.keyB, { name: 'prom-storm', format: 'ALERTMANAGER' });
    const groupKey = '{}/{}:{alertname="InterfaceFlapping"}';
    const alert = (i: number) => ({
      labels: {
        alertname: 'InterfaceFlapping',
        severity: i === 999 ? 'critical' : 'warning',
        serial: w.deviceB1.serial,
        ifName: `eth${i}`,
      },
      fingerprint: `storm${String(i).padStart(11, '0')}`,
    });
    const big = await postAlert(
      t,
      c.ingestPath,
      alertmanagerPayload({ status: 'firing', groupKey, alerts: Array.from({ length: 1000 }, (_, i) => alert(i)) }),
      { bearer: c.secret },
    );
    expect(big.status).toBe(202);
    expect(big.body.results).toEqual([expect.objectContaining({ outcome: 'ACCEPTED' })]);

    // The same storm as one delivery per alert, all at once: one per fingerprint, no group key.
    const single = await connector(w.keyB, {
      name: 'generic-storm',
      format: 'GENERIC',
      mapping: { deviceField: 'serial', fingerprintField: 'check' },
    });
    const answers = await Promise.all(
      Array.from({ length: RATE_LIMIT + 20 }, () =>
        postAlert(
          t,
          single.ingestPath,
          { check: 'psu-1', severity: 'critical', serial: w.deviceB1.serial, status: 'firing' },
          { bearer: single.secret },
        ),
      ),
    );
    const accepted = answers.filter((a) => a.status === 202);
    const limited = answers.filter((a) => a.status === 429);
    expect(accepted).toHaveLength(RATE_LIMIT);
    expect(limited).toHaveLength(20);
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThan(0);
    expect(accepted.filter((a) => a.body.results[0].outcome === 'ACCEPTED')).toHaveLength(1);

    const list = await incidentsOf(w.deviceB1.id);
    expect(list.totalCount).toBe(2); // the grouped storm and the one-by-one storm
    const grouped = list.edges.map((e: { node: any }) => e.node).find((n: { id: string }) => n.id === big.body.results[0].incidentId);
    expect(grouped.severity).toBe('P1');
  });
});
