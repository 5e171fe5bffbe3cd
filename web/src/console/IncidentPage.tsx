import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery, useSubscription } from 'urql';
import { ClockView, useNow, usePoll } from '../shared/Clock';
import { IncidentSummaryFields, RmaUpdatesSubscription } from '../shared/documents';
import { dateTime } from '../shared/format';
import { readFragment } from '../shared/graphql';
import { Badge, ErrorText } from '../shared/widgets';
import {
  ConsoleReferenceQuery,
  DeviceRmasQuery,
  IncidentPageQuery,
  IncidentPageUpdatesSubscription,
  LoanerUpdatesSubscription,
} from './documents';
import { ActionPanel } from './Queue';

/** One incident: its clocks, timeline and escalations, device, contract, RMAs, reservations and loaner, with the actions. */
export function IncidentPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const now = useNow();
  const [result, refetch] = useQuery({ query: IncidentPageQuery, variables: { id, ref: id } });
  // The timeline, escalations and diagnosis are not in the live update: each update of this incident fetches the page again.
  const [live] = useSubscription({ query: IncidentPageUpdatesSubscription, variables: { incidentId: id } }, (n: number = 0) => n + 1);
  useEffect(() => {
    if (live.data) refetch({ requestPolicy: 'network-only' });
  }, [live.data, refetch]);
  // RMAs and loaners arrive by subscription (the cache refetches their lists); reservations have none, so they are polled.
  useSubscription({ query: RmaUpdatesSubscription });
  useSubscription({ query: LoanerUpdatesSubscription });
  usePoll(refetch, 30_000);
  const [reference] = useQuery({ query: ConsoleReferenceQuery });
  const data = result.data;
  const serial = data ? readFragment(IncidentSummaryFields, data.incident).device?.serialNumber : undefined;
  const [rmas] = useQuery({ query: DeviceRmasQuery, variables: { serial: serial ?? '' }, pause: !serial });
  if (!data) return <ErrorText error={result.error} />;
  const full = data.incident;
  const i = readFragment(IncidentSummaryFields, full);
  const tz = i.site.timeZone;
  return (
    <article className="incident-page" data-incident={i.id} data-status={i.status}>
      <p>
        <a href="#/queue">{t('incident.back')}</a>
      </p>
      <h2>
        {i.summary} <Badge tone={`sev sev-${i.severity}`}>{i.severity}</Badge> <Badge tone="status">{t(`status.${i.status}`)}</Badge>
        {i.emergencyActive ? <Badge tone="emergency">{t('badge.emergency')}</Badge> : null}
        {i.breached ? <Badge tone="breached">{t('badge.breached')}</Badge> : null}
      </h2>
      <div className="incident-grid">
        <section className="panel" aria-labelledby="clocks-title">
          <h3 id="clocks-title">{t('incident.clocks')}</h3>
          <div className="clocks">
            {i.clocks.map((c, n) => (
              <ClockView key={n} clock={c} now={now} timeZone={tz} />
            ))}
          </div>
          <dl className="facts">
            <dt>{t('incident.customer')}</dt>
            <dd>{i.customer.name}</dd>
            <dt>{t('incident.site')}</dt>
            <dd>
              {i.site.name} ({tz})
            </dd>
            <dt>{t('incident.reported')}</dt>
            <dd>
              {dateTime(i.reportedAt, tz, lang)} · {t(`channel.${full.channel}`, { defaultValue: full.channel })} · {full.reportedBy}
            </dd>
            <dt>{t('incident.device')}</dt>
            <dd>{full.device ? `${full.device.vendor} ${i.device?.model} ${i.device?.serialNumber}` : '–'}</dd>
            <dt>{t('incident.contract')}</dt>
            <dd>
              {full.contract.code} · {full.contract.name} ·{' '}
              {t(`coverage.${full.contract.coverage.type}`, { defaultValue: full.contract.coverage.type })}
            </dd>
            {full.monitoringClearedAt ? (
              <>
                <dt>{t('incident.monitoringCleared')}</dt>
                <dd>{dateTime(full.monitoringClearedAt, tz, lang)}</dd>
              </>
            ) : null}
            {full.nextProgressDueAt ? (
              <>
                <dt>{t('incident.progressDue')}</dt>
                <dd className={Date.parse(full.nextProgressDueAt) < now ? 'overdue-text' : undefined}>
                  {dateTime(full.nextProgressDueAt, tz, lang)}
                </dd>
              </>
            ) : null}
            <dt>{t('incident.tier')}</dt>
            <dd>{t('queue.tierN', { n: i.supportTier })}</dd>
            {full.description ? (
              <>
                <dt>{t('incident.description')}</dt>
                <dd>{full.description}</dd>
              </>
            ) : null}
            {full.diagnosis ? (
              <>
                <dt>{t('incident.diagnosis')}</dt>
                <dd>
                  {full.diagnosis.cause} — {full.diagnosis.findings} — {full.diagnosis.actions}
                </dd>
              </>
            ) : null}
          </dl>
        </section>
        <section className="panel" aria-labelledby="timeline-title">
          <h3 id="timeline-title">{t('incident.timeline')}</h3>
          <ol className="timeline">
            {[...full.timeline]
              .sort((a, b) => b.seq - a.seq)
              .map((e) => (
                <li key={e.id} data-type={e.type}>
                  <time dateTime={e.at}>{dateTime(e.at, tz, lang)}</time>{' '}
                  <span className="kind">{t(`event.${e.type}`, { defaultValue: e.type.replace(/_/g, ' ').toLowerCase() })}</span>{' '}
                  {e.message} <span className="quiet">· {e.actor}</span>
                </li>
              ))}
          </ol>
          {full.escalations.length ? (
            <>
              <h4>{t('incident.escalations')}</h4>
              <ul>
                {full.escalations.map((e) => (
                  <li key={e.id}>
                    {dateTime(e.at, tz, lang)} {e.kind.replace(/_/g, ' ').toLowerCase()}: {e.fromValue} → {e.toValue} ({e.reason})
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <h4>{t('incident.notifications')}</h4>
          <ul className="notifications">
            {full.notifications.map((n) => (
              <li key={n.id} data-status={n.status}>
                {dateTime(n.createdAt, tz, lang)} {t(`notificationCause.${n.cause}`)} · {t(`notificationChannel.${n.channel}`)} →{' '}
                {n.recipientName} ·{' '}
                <Badge tone={n.status === 'FAILED' ? 'breached' : n.status === 'SENT' ? 'met' : 'status'}>
                  {t(`deliveryState.${n.status}`)}
                </Badge>
                {n.lastError ? <span className="quiet"> ({n.lastError})</span> : null}
              </li>
            ))}
          </ul>
          {!full.notifications.length ? <p className="quiet">{t('common.none')}</p> : null}
        </section>
        <section className="panel" aria-labelledby="parts-title">
          <h3 id="parts-title">{t('incident.rmasAndParts')}</h3>
          <h4>{t('dashboard.rmas')}</h4>
          <ul>
            {(rmas.data?.rmas.edges ?? []).map(({ node: r }) => (
              <li key={r.id}>
                {r.number} · {t(`rmaStatus.${r.status}`)} · {t(`loanerCompliance.${r.loanerCompliance}`)}{' '}
                {r.overdue ? <Badge tone="breached">{t('badge.overdue')}</Badge> : null}
              </li>
            ))}
          </ul>
          {!rmas.data?.rmas.edges.length ? <p className="quiet">{t('common.none')}</p> : null}
          <h4>{t('depots.reservations')}</h4>
          <ul>
            {data.reservations.edges.map(({ node: r }) => (
              <li key={r.id}>
                {r.quantity} × {r.partNumber} · {r.depot.code} · {t(`reservationStatus.${r.status}`)}
              </li>
            ))}
          </ul>
          {!data.reservations.edges.length ? <p className="quiet">{t('common.none')}</p> : null}
          <h4>{t('dashboard.loans')}</h4>
          <ul>
            {data.loans.edges.map(({ node: l }) => (
              <li key={l.id}>
                {l.loaner.model} {l.loaner.serialNumber} · {t(`loanStatus.${l.status}`)} ·{' '}
                {t('loan.dueBack', { time: dateTime(l.dueBackAt, tz, lang) })}
                {l.overdue ? <Badge tone="breached">{t('badge.overdue')}</Badge> : null}
              </li>
            ))}
          </ul>
          {!data.loans.edges.length ? <p className="quiet">{t('common.none')}</p> : null}
        </section>
      </div>
      {i.status !== 'CLOSED' && i.status !== 'CANCELLED' ? (
        <ActionPanel incident={i} centres={reference.data?.supportCentres ?? []} />
      ) : null}
    </article>
  );
}
