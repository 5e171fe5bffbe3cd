import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import { usePoll } from '../shared/Clock';
import { dateTime } from '../shared/format';
import type { ResultOf } from '../shared/graphql';
import { Badge, ErrorText, Field } from '../shared/widgets';
import { CustomerDevicesQuery, LinkUnmatchedAlertMutation, UnmatchedAlertsQuery } from './documents';

type Alert = ResultOf<typeof UnmatchedAlertsQuery>['unmatchedAlerts']['edges'][number]['node'];

/** The alert's labels as received, shortened to what identifies the source (the full JSON is in the title). */
function labelsOf(fields: string): string {
  try {
    const parsed = JSON.parse(fields) as Record<string, unknown>;
    return Object.entries(parsed)
      .slice(0, 6)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
  } catch {
    return fields;
  }
}

/**
 * Monitoring alerts whose device the hub could not match (src/modules/connectors/alerts). The hub publishes no
 * live update for them, so the list is fetched again every 15 s; linking one opens its incident, which the queue shows live.
 */
export function UnmatchedAlerts() {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const [includeLinked, setIncludeLinked] = useState(false);
  const [result, refetch] = useQuery({ query: UnmatchedAlertsQuery, variables: { includeLinked } });
  usePoll(refetch, 15_000);
  const d = result.data;
  const customerName = new Map(d?.customers.map((c) => [c.id, c.name]));
  const connectorName = new Map(d?.alertConnectors.map((c) => [c.id, c.name]));
  const list = d?.unmatchedAlerts.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="alerts-title">
      <h2 id="alerts-title">
        {t('nav.alerts')} <span className="count">{d ? `(${d.unmatchedAlerts.totalCount})` : ''}</span>
      </h2>
      <p className="quiet">{t('alerts.help')}</p>
      <label className="check">
        <input id="alerts-include-linked" type="checkbox" checked={includeLinked} onChange={(e) => setIncludeLinked(e.target.checked)} />{' '}
        {t('alerts.includeLinked')}
      </label>
      <ErrorText error={result.error} />
      {list.length ? (
        <section className="panel" aria-label={t('nav.alerts')}>
          <div className="table-wrap">
            <table id="unmatched-alerts" className="stack">
              <thead>
                <tr>
                  <th scope="col">{t('alerts.lastSeen')}</th>
                  <th scope="col">{t('alerts.customer')}</th>
                  <th scope="col">{t('alerts.device')}</th>
                  <th scope="col">{t('alerts.summary')}</th>
                  <th scope="col">{t('alerts.status')}</th>
                  <th scope="col">{t('alerts.action')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((a) => (
                  <tr key={a.id} data-alert={a.id} data-linked={a.linkedAt ? 'true' : 'false'}>
                    <td data-label={t('alerts.lastSeen')}>
                      {dateTime(a.lastSeenAt, undefined, lang)}
                      {a.count > 1 ? <span className="quiet"> · {t('alerts.times', { n: a.count })}</span> : null}
                    </td>
                    <td data-label={t('alerts.customer')}>
                      {customerName.get(a.customerId) ?? a.customerId}
                      <br />
                      <span className="quiet">{t('alerts.via', { connector: connectorName.get(a.connectorId) ?? a.connectorId })}</span>
                    </td>
                    <td data-label={t('alerts.device')}>{a.deviceRef ?? t('alerts.noDeviceRef')}</td>
                    <td data-label={t('alerts.summary')}>
                      <Badge tone={`sev sev-${a.severity}`}>{a.severity}</Badge> {a.summary}
                      <br />
                      <span className="quiet labels" title={a.fields}>
                        {labelsOf(a.fields)}
                      </span>
                    </td>
                    <td data-label={t('alerts.status')}>
                      {a.resolved ? <Badge tone="met">{t('alerts.cleared')}</Badge> : <Badge tone="warning">{t('alerts.firing')}</Badge>}
                    </td>
                    <td data-label={t('alerts.action')}>
                      {a.linkedAt ? (
                        <p>
                          {t('alerts.linked', { who: a.linkedBy ?? '', time: dateTime(a.linkedAt, undefined, lang) })}
                          {a.linkedIncidentId ? (
                            <>
                              {' '}
                              <a href={`#/incident/${encodeURIComponent(a.linkedIncidentId)}`}>{t('alerts.openIncident')}</a>
                            </>
                          ) : null}
                        </p>
                      ) : (
                        <LinkForm alert={a} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : d ? (
        <p className="quiet">{t('alerts.none')}</p>
      ) : null}
    </section>
  );
}

/** Links the alert to one of its customer's devices: the hub opens the incident and remembers the name for later alerts. */
function LinkForm({ alert }: { alert: Alert }) {
  const { t } = useTranslation();
  const [devices] = useQuery({ query: CustomerDevicesQuery, variables: { customerId: alert.customerId } });
  const [result, link] = useMutation(LinkUnmatchedAlertMutation);
  const [deviceId, setDeviceId] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (deviceId) void link({ id: alert.id, deviceId });
  };
  const list = devices.data?.devices ?? [];
  return (
    <form className="link-alert reply" onSubmit={submit}>
      <Field label={t('alerts.linkTo')}>
        {(id) => (
          <select id={id} name="device" required value={deviceId} onChange={(e) => setDeviceId(e.target.value)}>
            <option value="" disabled>
              {list.length || !devices.data ? t('alerts.pickDevice') : t('alerts.noDevices')}
            </option>
            {list.map((dv) => (
              <option key={dv.id} value={dv.id}>
                {dv.model} {dv.serialNumber} · {dv.site.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" className="primary" disabled={result.fetching || !deviceId}>
        {t('alerts.link')}
      </button>
      <ErrorText error={result.error} />
    </form>
  );
}
