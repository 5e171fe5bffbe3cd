import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useSubscription } from 'urql';
import { useNow, usePoll } from '../shared/Clock';
import { RmaUpdatesSubscription } from '../shared/documents';
import { dateTime, duration } from '../shared/format';
import { Badge, ErrorText } from '../shared/widgets';
import {
  ComplaintsQuery,
  DeadLettersQuery,
  DepotsQuery,
  InspectionsQuery,
  LoanerUpdatesSubscription,
  ReplyComplaintMutation,
  RmaBoardQuery,
  StockAlertsSubscription,
} from './documents';

const BOARD_COLUMNS = [
  'REQUESTED',
  'APPROVED',
  'ADVANCE_REPLACEMENT_SHIPPED',
  'AWAITING_DEFECTIVE_RETURN',
  'RECEIVED',
  'IN_REPAIR',
  'REPAIRED',
] as const;

/** Open RMAs by state, with the loaner rule's status and second failures marked; changes arrive by subscription. */
export function RmaBoard() {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const [result] = useQuery({ query: RmaBoardQuery });
  useSubscription({ query: RmaUpdatesSubscription });
  const rmas = result.data?.rmas.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="rma-title">
      <h2 id="rma-title">{t('nav.rmas')}</h2>
      <ErrorText error={result.error} />
      <div className="board-columns">
        {BOARD_COLUMNS.map((status) => {
          const column = rmas.filter((r) => r.status === status);
          return (
            <section key={status} className="column" aria-label={t(`rmaStatus.${status}`)}>
              <h3>
                {t(`rmaStatus.${status}`)} <span className="count">({column.length})</span>
              </h3>
              {column.map((r) => (
                <article key={r.id} className={`card rma${r.overdue ? ' overdue' : ''}`} data-rma={r.number}>
                  <h4>{r.number}</h4>
                  <p>
                    {r.customer.name} · {r.serialNumber}
                  </p>
                  <p className="quiet">{r.problem}</p>
                  <p>
                    <Badge tone={`loaner-${r.loanerCompliance}`}>{t(`loanerCompliance.${r.loanerCompliance}`)}</Badge>
                    {r.overdue ? <Badge tone="breached">{t('badge.overdue')}</Badge> : null}
                    {r.referenceRmaId || /SECOND/.test(r.dispositionReason) ? <Badge tone="warning">{t('rma.secondFailure')}</Badge> : null}
                  </p>
                  {r.loanerRequired && !r.loanerDeliveredAt ? (
                    <p>{t('rma.loanerOwed', { time: dateTime(r.loanerDueAt ?? r.loanerDeadline, r.site.timeZone, lang) })}</p>
                  ) : null}
                </article>
              ))}
            </section>
          );
        })}
      </div>
    </section>
  );
}

export function Depots() {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const [result, refetch] = useQuery({ query: DepotsQuery });
  // Loaners and stock alerts arrive by subscription (the cache refetches the lists); reservations, transfers and
  // stock levels have no live update in the hub, so the view is also fetched again every 30 s.
  useSubscription({ query: LoanerUpdatesSubscription });
  usePoll(refetch, 30_000);
  const d = result.data;
  return (
    <section aria-labelledby="depots-title">
      <h2 id="depots-title">{t('nav.depots')}</h2>
      <ErrorText error={result.error} />
      {d ? (
        <div className="incident-grid">
          <section className="panel">
            <h3>{t('depots.lowStock')}</h3>
            <ul>
              {d.stockLevels.map((s) => (
                <li key={s.id}>
                  <Badge tone="warning">{s.depot.code}</Badge> {s.partNumber} ({t(`condition.${s.condition}`)}):{' '}
                  {t('depots.levels', { available: s.available, onHand: s.onHand, reserved: s.reserved, reorderPoint: s.reorderPoint })}
                </li>
              ))}
            </ul>
            {!d.stockLevels.length ? <p className="quiet">{t('common.none')}</p> : null}
            <h3>{t('depots.alerts')}</h3>
            <ul>
              {d.stockAlerts.edges.map(({ node: a }) => (
                <li key={a.id}>
                  {dateTime(a.raisedAt, undefined, lang)} · {a.depot.code} · {t(`alertKind.${a.kind}`)}: {a.message}
                </li>
              ))}
            </ul>
            {!d.stockAlerts.edges.length ? <p className="quiet">{t('common.none')}</p> : null}
          </section>
          <section className="panel">
            <h3>{t('depots.reservations')}</h3>
            <ul>
              {d.reservations.edges.map(({ node: r }) => (
                <li key={r.id}>
                  {r.depot.code} · {r.quantity} × {r.partNumber} · {t(`reservationStatus.${r.status}`)} ·{' '}
                  {r.rmaNumber ?? r.incidentId ?? ''}
                </li>
              ))}
            </ul>
            {!d.reservations.edges.length ? <p className="quiet">{t('common.none')}</p> : null}
            <h3>{t('depots.transfers')}</h3>
            <ul>
              {d.transfers.map((x) => (
                <li key={x.id}>
                  {x.fromDepot.code} → {x.toDepot.code} · {x.quantity} × {x.partNumber} · {t(`transferStatus.${x.status}`)}
                </li>
              ))}
            </ul>
            {!d.transfers.length ? <p className="quiet">{t('common.none')}</p> : null}
          </section>
          <section className="panel">
            <h3>{t('depots.loanerPool')}</h3>
            <ul>
              {d.loaners.map((l) => (
                <li key={l.id}>
                  {l.depot.code} · {l.model} {l.serialNumber} · {t(`loanerState.${l.state}`)}
                </li>
              ))}
            </ul>
            {!d.loaners.length ? <p className="quiet">{t('common.none')}</p> : null}
            <h3>{t('depots.depots')}</h3>
            <ul>
              {d.depots.map((x) => (
                <li key={x.id}>
                  <DepotAlertFeed depotId={x.id} />
                  {x.code} · {x.name} · {x.city}
                </li>
              ))}
            </ul>
          </section>
        </div>
      ) : null}
    </section>
  );
}

/** Listens to one depot's stock alerts (the hub has them per depot only); the client cache refetches the lists on each. */
function DepotAlertFeed({ depotId }: { depotId: string }) {
  useSubscription({ query: StockAlertsSubscription, variables: { depotId } });
  return null;
}

/** Open complaints with the first-reply clock (15 minutes by default) counting down. */
export function Complaints() {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const now = useNow();
  const [result, refetch] = useQuery({ query: ComplaintsQuery });
  // The hub has no live update for complaints: fetched again every 15 s, well inside the 15-minute reply clock.
  usePoll(refetch, 15_000);
  const list = result.data?.complaints.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="complaints-title">
      <h2 id="complaints-title">{t('nav.complaints')}</h2>
      <ErrorText error={result.error} />
      <div className="cards">
        {list.map((c) => {
          const left = Date.parse(c.firstReplyDueAt) - now;
          const tone = c.firstRepliedAt ? 'met' : left < 0 ? 'breached' : left < 0.25 * 15 * 60_000 ? 'warning' : 'running';
          return (
            <article key={c.id} className="card" data-complaint={c.id}>
              <h3>{c.summary}</h3>
              <p className="quiet">
                {c.customer.name} · {t(`complaintCategory.${c.category}`)} · {dateTime(c.filedAt, undefined, lang)}
              </p>
              <p className={`clock ${tone}`}>
                {c.firstRepliedAt
                  ? t('complaint.repliedAt', { time: dateTime(c.firstRepliedAt, undefined, lang) })
                  : left < 0
                    ? t('complaint.replyOverdue', { time: duration(t, -left, 2, true) })
                    : t('complaint.replyLeft', { time: duration(t, left, 2, true) })}
              </p>
              {!c.firstRepliedAt ? <ReplyForm id={c.id} /> : null}
            </article>
          );
        })}
      </div>
      {result.data && !list.length ? <p className="quiet">{t('common.none')}</p> : null}
    </section>
  );
}

function ReplyForm({ id }: { id: string }) {
  const { t } = useTranslation();
  const [result, reply] = useMutation(ReplyComplaintMutation);
  const [message, setMessage] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void reply({ id, message });
  };
  return (
    <form onSubmit={submit} className="reply">
      <label htmlFor={`reply-${id}`}>{t('complaint.reply')}</label>
      <textarea id={`reply-${id}`} value={message} onChange={(e) => setMessage(e.target.value)} required rows={2} />
      <button type="submit">{t('complaint.sendReply')}</button>
      <ErrorText error={result.error} />
    </form>
  );
}

export function Inspections() {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const [to] = useState(() => new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10));
  const [result, refetch] = useQuery({ query: InspectionsQuery, variables: { to } });
  // No live update for inspections in the hub: polled.
  usePoll(refetch, 30_000);
  const d = result.data;
  return (
    <section aria-labelledby="inspections-title">
      <h2 id="inspections-title">{t('nav.inspections')}</h2>
      <ErrorText error={result.error} />
      <div className="incident-grid">
        <section className="panel">
          <h3>{t('inspections.due')}</h3>
          <ul>
            {d?.due.edges.map(({ node: x }) => (
              <li key={x.id}>
                {x.scheduledDate} · {x.customer.name} · {x.site.name} · {x.label}{' '}
                {x.visitOverdue ? <Badge tone="breached">{t('badge.overdue')}</Badge> : null}
              </li>
            ))}
          </ul>
          {d && !d.due.edges.length ? <p className="quiet">{t('common.none')}</p> : null}
        </section>
        <section className="panel">
          <h3>{t('inspections.overdue')}</h3>
          <ul>
            {d?.overdue.edges.map(({ node: x }) => (
              <li key={x.id}>
                {x.customer.name} · {x.site.name} · {x.label} ·{' '}
                {x.reportOverdue
                  ? t('inspections.reportOverdue', { time: dateTime(x.reportDueAt, x.site.timeZone, lang) })
                  : t('inspections.visitOverdue')}
              </li>
            ))}
          </ul>
          {d && !d.overdue.edges.length ? <p className="quiet">{t('common.none')}</p> : null}
        </section>
      </div>
    </section>
  );
}

export function DeadLetters() {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const [result, refetch] = useQuery({ query: DeadLettersQuery });
  // No live update for dead letters in the hub: polled.
  usePoll(refetch, 30_000);
  const list = result.data?.deadLetters ?? [];
  return (
    <section aria-labelledby="dead-title">
      <h2 id="dead-title">{t('nav.deadLetters')}</h2>
      <ErrorText error={result.error} />
      {list.length ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('dead.received')}</th>
                <th scope="col">{t('dead.where')}</th>
                <th scope="col">{t('dead.type')}</th>
                <th scope="col">{t('dead.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((x) => (
                <tr key={x.id}>
                  <td>{dateTime(x.receivedAt, undefined, lang)}</td>
                  <td>
                    {x.topic}/{x.partition}@{x.offset}
                  </td>
                  <td>
                    {x.type ?? '–'} {x.source ? `· ${x.source}` : ''}
                  </td>
                  <td>{x.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : result.data ? (
        <p className="quiet">{t('common.none')}</p>
      ) : null}
    </section>
  );
}
