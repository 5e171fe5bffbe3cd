import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useSubscription } from 'urql';
import { ClockView, useNow, usePoll } from '../shared/Clock';
import {
  IncidentSummaryFields,
  IncidentUpdatesSubscription,
  OPEN_STATUSES,
  OpenIncidentsQuery,
  RmaUpdatesSubscription,
} from '../shared/documents';
import { dateTime, timeOfDay } from '../shared/format';
import { readFragment, type FragmentOf, type ResultOf } from '../shared/graphql';
import type { Session } from '../shared/Session';
import { Badge, ErrorText, Field, Rating } from '../shared/widgets';
import {
  AccountQuery,
  AnswerSurveyMutation,
  ConfirmClosureMutation,
  FileComplaintMutation,
  RecentTimelineQuery,
  ReportFaultMutation,
  SurveysQuery,
} from './documents';

type Incident = ResultOf<typeof IncidentSummaryFields>;
type Device = ResultOf<typeof AccountQuery>['devices'][number];
interface FeedEntry {
  key: string;
  at: string;
  kind: string;
  text: string;
  timeZone?: string;
}
const FEED_SIZE = 30;
const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
const COMPLAINT_CATEGORIES = ['RESPONSE_SPEED', 'ATTITUDE', 'QUALITY', 'BROKEN_PROMISE', 'OTHER'] as const;

export function Dashboard({ session }: { session: Session }) {
  const { t } = useTranslation();
  const showCustomer = session.role !== 'CUSTOMER';
  const [incidentsResult] = useQuery({ query: OpenIncidentsQuery, variables: { filter: { status: [...OPEN_STATUSES] }, first: 30 } });
  const [account, refetchAccount] = useQuery({ query: AccountQuery });
  // RMAs arrive by subscription (the cache refetches the account with them). A customer key has no live update for
  // loans, and overdue marks change with time alone, so the account is also fetched again each minute.
  useSubscription({ query: RmaUpdatesSubscription });
  usePoll(refetchAccount, 60_000);
  const [timeline] = useQuery({ query: RecentTimelineQuery, variables: { filter: { status: [...OPEN_STATUSES] } } });
  const [live] = useSubscription({ query: IncidentUpdatesSubscription }, (feed: FeedEntry[] = [], update) => {
    const u = update.incidentUpdated;
    const incident = readFragment(IncidentSummaryFields, u.incident);
    const entry = {
      key: `live-${u.at}-${u.kind}-${incident.id}`,
      at: u.at,
      kind: u.kind,
      text: `${incident.summary} — ${u.message}`,
      timeZone: incident.site.timeZone,
    };
    return [entry, ...feed].slice(0, FEED_SIZE);
  });

  const incidents = useMemo(() => {
    const list = (incidentsResult.data?.incidents.edges ?? []).map((e) => readFragment(IncidentSummaryFields, e.node));
    return list
      .filter((i) => (OPEN_STATUSES as readonly string[]).includes(i.status))
      .sort((a, b) => (a.severity === b.severity ? b.reportedAt.localeCompare(a.reportedAt) : a.severity.localeCompare(b.severity)));
  }, [incidentsResult.data]);

  // The feed starts with the recent timeline of open incidents, so a reload does not show an empty feed.
  const feed = useMemo(() => {
    const past: FeedEntry[] = (timeline.data?.incidents.edges ?? []).flatMap(({ node }) =>
      node.timeline.map((e) => ({
        key: e.id,
        at: e.at,
        kind: e.type,
        text: `${node.summary} — ${e.message}`,
        timeZone: node.site.timeZone,
      })),
    );
    const seen = new Set<string>();
    return [...(live.data ?? []), ...past.sort((a, b) => b.at.localeCompare(a.at))]
      .filter((e) => {
        const k = `${e.at}|${e.text}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      })
      .slice(0, FEED_SIZE);
  }, [timeline.data, live.data]);

  return (
    <div className="board dashboard">
      {account.data?.customers.length === 1 ? <p className="customer-name">{account.data.customers[0]!.name}</p> : null}
      <div className="column main-column">
        <section className="panel incidents" aria-labelledby="incidents-title">
          <h2 id="incidents-title">
            {t('dashboard.openIncidents')} <span className="count">{incidents.length ? `(${incidents.length})` : ''}</span>
          </h2>
          <ErrorText error={incidentsResult.error} />
          <div id="incidents" className="cards">
            {incidents.map((i) => (
              <IncidentCard key={i.id} incident={i} showCustomer={showCustomer} />
            ))}
          </div>
          {incidentsResult.data && !incidents.length ? <p className="quiet">{t('dashboard.noIncidents')}</p> : null}
        </section>

        <ReportFault devices={account.data?.devices ?? []} />
        <FileComplaint incidents={incidents} />
      </div>
      <div className="column side-column">
        <section className="panel feed" aria-labelledby="feed-title">
          <h2 id="feed-title">{t('dashboard.liveFeed')}</h2>
          <ol id="updates" className="updates-list" aria-live="polite">
            {feed.map((e) => (
              <li key={e.key} data-kind={e.kind}>
                <time dateTime={e.at}>{timeOfDay(e.at, e.timeZone)}</time>
                <span className="kind">{t(`event.${e.kind}`, { defaultValue: e.kind.replace(/_/g, ' ').toLowerCase() })}</span>
                <span className="text">{e.text}</span>
              </li>
            ))}
          </ol>
          {!feed.length ? <p className="quiet">{t('dashboard.noUpdates')}</p> : null}
        </section>

        <Rmas data={account.data} />
        <Loans data={account.data} />
        <Surveys />
      </div>
    </div>
  );
}

function IncidentCard({ incident: i, showCustomer }: { incident: Incident; showCustomer: boolean }) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const lang = i18n.resolvedLanguage ?? 'en';
  return (
    <article className={`card sev-${i.severity}`} data-incident={i.id} data-status={i.status} aria-label={i.summary}>
      <div className="head">
        <h3 className="summary">{i.summary}</h3>
        <span className="badges">
          <Badge tone={`sev sev-${i.severity}`}>{i.severity}</Badge>
          <Badge tone="status">{t(`status.${i.status}`)}</Badge>
          {i.emergencyActive ? <Badge tone="emergency">{t('badge.emergency')}</Badge> : null}
          {i.breached ? <Badge tone="breached">{t('badge.breached')}</Badge> : null}
        </span>
      </div>
      <p className="meta">
        {showCustomer ? <span className="customer">{i.customer.name} · </span> : null}
        {i.site.name}
        {i.device ? ` · ${i.device.model} ${i.device.serialNumber}` : ''} ·{' '}
        {t('dashboard.reported', { time: dateTime(i.reportedAt, i.site.timeZone, lang) })}
      </p>
      <div className="clocks">
        {i.clocks.map((c, n) => (
          <ClockView key={n} clock={c} now={now} timeZone={i.site.timeZone} />
        ))}
      </div>
      {i.status === 'RESTORED' ? <ConfirmClosure id={i.id} /> : null}
    </article>
  );
}

function ConfirmClosure({ id }: { id: string }) {
  const { t } = useTranslation();
  const [rating, setRating] = useState<number | null>(null);
  const [result, confirm] = useMutation(ConfirmClosureMutation);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const comment = String(new FormData(event.currentTarget).get('comment') ?? '').trim();
    void confirm({ id, satisfaction: rating, comment: comment || null });
  };
  return (
    <form className="confirm-closure" onSubmit={submit}>
      <p>{t('dashboard.confirmPrompt')}</p>
      <Rating name={`rating-${id}`} value={rating} onChange={setRating} />
      <Field label={t('dashboard.comment')}>{(fid) => <input id={fid} name="comment" maxLength={500} />}</Field>
      <button type="submit" className="primary" disabled={result.fetching}>
        {t('dashboard.confirmClosure')}
      </button>
      <ErrorText error={result.error} />
    </form>
  );
}

function ReportFault({ devices }: { devices: Device[] }) {
  const { t } = useTranslation();
  const [result, report] = useMutation(ReportFaultMutation);
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const description = String(data.get('description') ?? '').trim();
    const emergency = String(data.get('emergency') ?? '');
    const r = await report({
      input: {
        channel: 'PORTAL',
        deviceSerial: String(data.get('device')),
        severity: String(data.get('severity')) as (typeof SEVERITIES)[number],
        summary: String(data.get('summary')).trim(),
        description: description || null,
        emergency: emergency ? (emergency as 'DATACENTER_OUTAGE' | 'DATA_LOSS') : null,
      },
    });
    setDone(!r.error);
    if (!r.error) form.reset();
  };
  return (
    <section className="panel action" aria-labelledby="report-title">
      <h2 id="report-title">{t('report.title')}</h2>
      <form id="report-fault" onSubmit={(e) => void submit(e)} onChange={() => setDone(false)}>
        <Field label={t('report.device')}>
          {(id) => (
            <select id={id} name="device" required defaultValue="">
              <option value="" disabled>
                {t('report.pickDevice')}
              </option>
              {devices.map((d) => (
                <option key={d.id} value={d.serialNumber}>
                  {d.model} {d.serialNumber} · {d.site.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('report.severity')}>
          {(id) => (
            <select id={id} name="severity" defaultValue="P3">
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {t(`severity.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('report.summary')}>{(id) => <input id={id} name="summary" required maxLength={200} />}</Field>
        <Field label={t('report.description')}>{(id) => <textarea id={id} name="description" rows={3} maxLength={4000} />}</Field>
        <Field label={t('report.emergency')}>
          {(id) => (
            <select id={id} name="emergency" defaultValue="">
              <option value="">{t('report.noEmergency')}</option>
              <option value="DATACENTER_OUTAGE">{t('emergency.DATACENTER_OUTAGE')}</option>
              <option value="DATA_LOSS">{t('emergency.DATA_LOSS')}</option>
            </select>
          )}
        </Field>
        <button type="submit" className="primary" disabled={result.fetching}>
          {t('report.submit')}
        </button>
        <ErrorText error={result.error} />
        {done ? (
          <p className="ok" role="status">
            {t('report.done')}
          </p>
        ) : null}
      </form>
    </section>
  );
}

function Rmas({ data }: { data: ResultOf<typeof AccountQuery> | undefined }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const rmas = data?.rmas.edges.map((e) => e.node) ?? [];
  return (
    <section className="panel rmas" aria-labelledby="rmas-title">
      <h2 id="rmas-title">{t('dashboard.rmas')}</h2>
      {rmas.length ? (
        <div className="table-wrap">
          <table id="rmas" className="stack">
            <thead>
              <tr>
                <th scope="col">{t('rma.number')}</th>
                <th scope="col">{t('rma.serial')}</th>
                <th scope="col">{t('rma.status')}</th>
                <th scope="col">{t('rma.requested')}</th>
                <th scope="col">{t('rma.loaner')}</th>
              </tr>
            </thead>
            <tbody>
              {rmas.map((r) => (
                <tr key={r.id} data-rma={r.number} className={r.overdue ? 'overdue' : undefined}>
                  <td data-label={t('rma.number')}>{r.number}</td>
                  <td data-label={t('rma.serial')}>{r.serialNumber}</td>
                  <td data-label={t('rma.status')}>
                    {t(`rmaStatus.${r.status}`)} {r.overdue ? <Badge tone="breached">{t('badge.overdue')}</Badge> : null}
                  </td>
                  <td data-label={t('rma.requested')}>{dateTime(r.requestedAt, r.site.timeZone, lang)}</td>
                  <td data-label={t('rma.loaner')}>
                    {r.loanerDeliveredAt
                      ? t('rma.loanerDelivered', { time: dateTime(r.loanerDeliveredAt, r.site.timeZone, lang) })
                      : r.loanerRequired
                        ? t('rma.loanerOwed', { time: dateTime(r.loanerDueAt, r.site.timeZone, lang) })
                        : '–'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="quiet">{t('dashboard.noRmas')}</p>
      )}
    </section>
  );
}

function Loans({ data }: { data: ResultOf<typeof AccountQuery> | undefined }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const loans = data?.loans.edges.map((e) => e.node) ?? [];
  return (
    <section className="panel loans" aria-labelledby="loans-title">
      <h2 id="loans-title">{t('dashboard.loans')}</h2>
      {loans.length ? (
        <ul id="loans" className="loan-list">
          {loans.map((l) => (
            <li key={l.id} className={l.overdue ? 'overdue' : undefined}>
              <strong>
                {l.loaner.model} {l.loaner.serialNumber}
              </strong>{' '}
              {t('loan.forUnit', { serial: l.deviceSerial })}
              {l.rmaNumber ? ` (${l.rmaNumber})` : ''} · {t(`loanStatus.${l.status}`)}{' '}
              {l.overdue ? <Badge tone="breached">{t('badge.overdue')}</Badge> : null}
              <br />
              <span className="quiet">
                {t('loan.delivered', { time: dateTime(l.deliveredAt, l.device.site.timeZone, lang) })} ·{' '}
                {t('loan.dueBack', { time: dateTime(l.dueBackAt, l.device.site.timeZone, lang) })}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="quiet">{t('dashboard.noLoans')}</p>
      )}
    </section>
  );
}

function FileComplaint({ incidents }: { incidents: Incident[] }) {
  const { t } = useTranslation();
  const [result, file] = useMutation(FileComplaintMutation);
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const incidentId = String(data.get('incident') ?? '');
    const description = String(data.get('description') ?? '').trim();
    const r = await file({
      input: {
        category: String(data.get('category')) as (typeof COMPLAINT_CATEGORIES)[number],
        summary: String(data.get('summary')).trim(),
        description: description || null,
        incidentId: incidentId || null,
      },
    });
    setDone(!r.error);
    if (!r.error) form.reset();
  };
  return (
    <section className="panel action" aria-labelledby="complaint-title">
      <h2 id="complaint-title">{t('complaint.title')}</h2>
      <form id="file-complaint" onSubmit={(e) => void submit(e)} onChange={() => setDone(false)}>
        <Field label={t('complaint.category')}>
          {(id) => (
            <select id={id} name="category" defaultValue="RESPONSE_SPEED">
              {COMPLAINT_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`complaintCategory.${c}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('complaint.incident')}>
          {(id) => (
            <select id={id} name="incident" defaultValue="">
              <option value="">{t('complaint.noIncident')}</option>
              {incidents.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.summary}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('complaint.summary')}>{(id) => <input id={id} name="summary" required maxLength={200} />}</Field>
        <Field label={t('complaint.description')}>{(id) => <textarea id={id} name="description" rows={3} maxLength={4000} />}</Field>
        <button type="submit" className="primary" disabled={result.fetching}>
          {t('complaint.submit')}
        </button>
        <ErrorText error={result.error} />
        {done ? (
          <p className="ok" role="status">
            {t('complaint.done')}
          </p>
        ) : null}
      </form>
    </section>
  );
}

function Surveys() {
  const { t } = useTranslation();
  const [surveys, refetch] = useQuery({ query: SurveysQuery });
  // A closure's live update refetches the list, but the hub issues the survey a moment after the closure and
  // publishes nothing for it: the list is also fetched again every 30 s.
  usePoll(refetch, 30_000);
  const [thanked, setThanked] = useState(false);
  const list = surveys.data?.satisfactionSurveys.edges.map((e) => e.node).filter((s) => s.status === 'ISSUED') ?? [];
  return (
    <section className="panel action" aria-labelledby="surveys-title" id="surveys">
      <h2 id="surveys-title">{t('survey.title')}</h2>
      {thanked ? (
        <p className="ok" role="status">
          {t('survey.thanks')}
        </p>
      ) : null}
      {list.length ? (
        list.map((s) => <SurveyForm key={s.id} id={s.id} label={s.subjectLabel} onAnswered={() => setThanked(true)} />)
      ) : (
        <p className="quiet">{t('survey.none')}</p>
      )}
    </section>
  );
}

function SurveyForm({ id, label, onAnswered }: { id: string; label: string; onAnswered: () => void }) {
  const { t } = useTranslation();
  const [rating, setRating] = useState<number | null>(null);
  const [result, answer] = useMutation(AnswerSurveyMutation);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (rating === null) return;
    const comment = String(new FormData(event.currentTarget).get('comment') ?? '').trim();
    const r = await answer({ id, rating, comment: comment || null });
    if (!r.error) onAnswered();
  };
  return (
    <form className="survey" data-survey={id} onSubmit={(e) => void submit(e)}>
      <h3>{label}</h3>
      <Rating name={`survey-${id}`} value={rating} onChange={setRating} />
      <Field label={t('dashboard.comment')}>{(fid) => <input id={fid} name="comment" maxLength={500} />}</Field>
      <button type="submit" className="primary" disabled={result.fetching}>
        {t('survey.submit')}
      </button>
      <ErrorText error={result.error} />
    </form>
  );
}

export type { FragmentOf };
