import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useSubscription } from 'urql';
import { clockTone, ClockView, useNow } from '../shared/Clock';
import { ClockFields, IncidentSummaryFields, IncidentUpdatesSubscription, OPEN_STATUSES, OpenIncidentsQuery } from '../shared/documents';
import { readFragment, type ResultOf } from '../shared/graphql';
import { Badge, ErrorText, Field } from '../shared/widgets';
import {
  AcknowledgeMutation,
  AssignMutation,
  ChangeSeverityMutation,
  CloseWithConsentMutation,
  ConsoleReferenceQuery,
  PostProgressMutation,
  RecordDiagnosisMutation,
  TransitionMutation,
} from './documents';

type Incident = ResultOf<typeof IncidentSummaryFields>;
const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
type Severity = (typeof SEVERITIES)[number];
type Status = (typeof OPEN_STATUSES)[number];

interface Filters {
  customerId: string;
  severity: string;
  tier: string;
  status: string;
  breachedOnly: boolean;
  emergencyOnly: boolean;
}
const NO_FILTERS: Filters = { customerId: '', severity: '', tier: '', status: '', breachedOnly: false, emergencyOnly: false };

/** The running clock due first: what the operator must act on next. */
function nextClock(i: Incident, now: number) {
  const running = i.clocks.filter((c) => {
    const state = readFragment(ClockFields, c).state;
    return state === 'RUNNING' || state === 'BREACHED';
  });
  running.sort((a, b) => Date.parse(readFragment(ClockFields, a).dueAt) - Date.parse(readFragment(ClockFields, b).dueAt));
  return running[0] ? { clock: running[0], ...clockTone(running[0], now) } : null;
}

export function Queue({ onOpen }: { onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const now = useNow();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [selectedId, setSelectedIdState] = useState<string | null>(null);
  // Keys can arrive faster than React renders: the handler reads the selection from here.
  const selectedRef = useRef<string | null>(null);
  const setSelectedId = useCallback((id: string | null) => {
    selectedRef.current = id;
    setSelectedIdState(id);
  }, []);
  const filterRef = useRef<HTMLSelectElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const [reference] = useQuery({ query: ConsoleReferenceQuery });
  const [result] = useQuery({
    query: OpenIncidentsQuery,
    variables: {
      filter: {
        status: filters.status ? [filters.status as Status] : [...OPEN_STATUSES],
        customerId: filters.customerId || null,
        severity: filters.severity ? [filters.severity as Severity] : null,
        breached: filters.breachedOnly ? true : null,
      },
      first: 50,
    },
  });
  // Subscribed for its effect on the normalised cache: every incident that changes is updated in place.
  useSubscription({ query: IncidentUpdatesSubscription });
  const [, acknowledge] = useMutation(AcknowledgeMutation);

  const incidents = useMemo(() => {
    const list = (result.data?.incidents.edges ?? [])
      .map((e) => readFragment(IncidentSummaryFields, e.node))
      .filter((i) => (OPEN_STATUSES as readonly string[]).includes(i.status))
      .filter((i) => !filters.tier || String(i.supportTier) === filters.tier)
      .filter((i) => !filters.emergencyOnly || i.emergencyActive);
    const due = (i: Incident) => (i.nextDueAt ? Date.parse(i.nextDueAt) : Number.POSITIVE_INFINITY);
    return list.sort((a, b) => due(a) - due(b) || a.severity.localeCompare(b.severity));
  }, [result.data, filters]);
  const selected = incidents.find((i) => i.id === selectedId) ?? null;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (event.ctrlKey || event.metaKey || event.altKey || target.closest('input, textarea, select')) return;
      const index = incidents.findIndex((i) => i.id === selectedRef.current);
      const selected = incidents[index];
      const move = (to: number) => {
        const next = incidents[Math.max(0, Math.min(incidents.length - 1, to))];
        if (next) {
          setSelectedId(next.id);
          document.querySelector<HTMLElement>(`[data-row="${next.id}"]`)?.focus();
        }
      };
      switch (event.key) {
        case 'j':
          move(index + 1);
          break;
        case 'k':
          move(index - 1);
          break;
        case 'a':
          if (selected?.status === 'NEW') void acknowledge({ id: selected.id, note: null });
          break;
        case 'o':
          if (selected) onOpen(selected.id);
          break;
        case 'x':
          panelRef.current?.querySelector<HTMLElement>('select, input, textarea')?.focus();
          break;
        case '/':
          filterRef.current?.focus();
          break;
        default:
          return;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [incidents, acknowledge, onOpen, setSelectedId]);

  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => setFilters((f) => ({ ...f, [key]: value }));

  return (
    <section className="queue" aria-labelledby="queue-title">
      <h2 id="queue-title">
        {t('queue.title')} <span className="count">({incidents.length})</span>
      </h2>
      <form className="filters" aria-label={t('queue.filters')} onSubmit={(e) => e.preventDefault()}>
        <Field label={t('queue.customer')}>
          {(id) => (
            <select id={id} ref={filterRef} value={filters.customerId} onChange={(e) => set('customerId', e.target.value)}>
              <option value="">{t('queue.all')}</option>
              {reference.data?.customers.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('queue.severity')}>
          {(id) => (
            <select id={id} value={filters.severity} onChange={(e) => set('severity', e.target.value)}>
              <option value="">{t('queue.all')}</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('queue.tier')}>
          {(id) => (
            <select id={id} value={filters.tier} onChange={(e) => set('tier', e.target.value)}>
              <option value="">{t('queue.all')}</option>
              {[1, 2, 3].map((n) => (
                <option key={n} value={n}>
                  {t('queue.tierN', { n })}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('queue.status')}>
          {(id) => (
            <select id={id} value={filters.status} onChange={(e) => set('status', e.target.value)}>
              <option value="">{t('queue.allOpen')}</option>
              {OPEN_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <label className="check">
          <input type="checkbox" checked={filters.breachedOnly} onChange={(e) => set('breachedOnly', e.target.checked)} />{' '}
          {t('queue.breachedOnly')}
        </label>
        <label className="check">
          <input type="checkbox" checked={filters.emergencyOnly} onChange={(e) => set('emergencyOnly', e.target.checked)} />{' '}
          {t('queue.emergencyOnly')}
        </label>
      </form>
      <p className="shortcuts quiet">{t('queue.shortcuts')}</p>
      <ErrorText error={result.error} />
      <div className="table-wrap">
        <table id="queue">
          <thead>
            <tr>
              <th scope="col">{t('queue.severity')}</th>
              <th scope="col">{t('queue.incident')}</th>
              <th scope="col">{t('queue.status')}</th>
              <th scope="col">{t('queue.nextDeadline')}</th>
              <th scope="col">{t('queue.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {incidents.map((i) => {
              const next = nextClock(i, now);
              return (
                <tr
                  key={i.id}
                  data-row={i.id}
                  data-status={i.status}
                  data-tone={next?.tone ?? 'none'}
                  className={`tone-${next?.tone ?? 'none'}${i.id === selectedId ? ' selected' : ''}`}
                  tabIndex={0}
                  aria-selected={i.id === selectedId}
                  onClick={() => setSelectedId(i.id)}
                  onFocus={() => setSelectedId(i.id)}
                >
                  <td>
                    <Badge tone={`sev sev-${i.severity}`}>{i.severity}</Badge>
                    {i.emergencyActive ? <Badge tone="emergency">{t('badge.emergency')}</Badge> : null}
                  </td>
                  <td>
                    <a href={`#/incident/${i.id}`} className="summary">
                      {i.summary}
                    </a>
                    <div className="quiet">
                      {i.customer.name} · {i.site.name}
                      {i.device ? ` · ${i.device.serialNumber}` : ''} · {t('queue.tierN', { n: i.supportTier })}
                    </div>
                  </td>
                  <td className="status">{t(`status.${i.status}`)}</td>
                  <td>{next ? <ClockView clock={next.clock} now={now} timeZone={i.site.timeZone} /> : '–'}</td>
                  <td>
                    {i.status === 'NEW' ? (
                      <button type="button" className="primary ack" onClick={() => void acknowledge({ id: i.id, note: null })}>
                        {t('action.acknowledge')}
                      </button>
                    ) : null}{' '}
                    <button
                      type="button"
                      className="act"
                      aria-expanded={i.id === selectedId}
                      onClick={() => setSelectedId(i.id === selectedId ? null : i.id)}
                    >
                      {t('action.more')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {result.data && !incidents.length ? <p className="quiet">{t('queue.empty')}</p> : null}
      {selected ? (
        <div ref={panelRef}>
          <ActionPanel key={selected.id} incident={selected} centres={reference.data?.supportCentres ?? []} onOpen={onOpen} />
        </div>
      ) : null}
    </section>
  );
}

function formValue(event: FormEvent<HTMLFormElement>, name: string): string {
  return String(new FormData(event.currentTarget).get(name) ?? '').trim();
}

/** The actions on one incident, each a small form: one click to open (or the `x` key), one to submit. */
export function ActionPanel({
  incident: i,
  centres,
  onOpen,
}: {
  incident: Incident;
  centres: { id: string; code: string; name: string; tier: number }[];
  onOpen?: (id: string) => void;
}) {
  const { t } = useTranslation();
  const [assign, doAssign] = useMutation(AssignMutation);
  const [severity, doSeverity] = useMutation(ChangeSeverityMutation);
  const [progress, doProgress] = useMutation(PostProgressMutation);
  const [diagnosis, doDiagnosis] = useMutation(RecordDiagnosisMutation);
  const [transition, doTransition] = useMutation(TransitionMutation);
  const [close, doClose] = useMutation(CloseWithConsentMutation);
  // Lifecycle order, cancelling last: the first choice is the usual next step, never a cancellation.
  const order = [...OPEN_STATUSES, 'CANCELLED'] as string[];
  const transitions = i.allowedTransitions.filter((s) => s !== 'CLOSED').sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return (
    <section className="action-panel" id="action-panel" aria-label={t('action.panel', { summary: i.summary })}>
      <h3>
        {i.summary}{' '}
        {onOpen ? (
          <a href={`#/incident/${i.id}`} className="open-incident">
            {t('action.openPage')}
          </a>
        ) : null}
      </h3>
      <div className="action-grid">
        <form
          id="assign-form"
          onSubmit={(e) => {
            e.preventDefault();
            void doAssign({ id: i.id, centreId: formValue(e, 'centre') || null, supportTier: null });
          }}
        >
          <Field label={t('action.centre')}>
            {(id) => (
              <select id={id} name="centre" defaultValue={i.assignedCentreId ?? ''} required>
                <option value="" disabled>
                  {t('action.pickCentre')}
                </option>
                {centres.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.code} · {c.name} ({t('queue.tierN', { n: c.tier })})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit">{t('action.assign')}</button>
          <ErrorText error={assign.error} />
        </form>

        <form
          id="severity-form"
          onSubmit={(e) => {
            e.preventDefault();
            void doSeverity({ id: i.id, severity: formValue(e, 'severity') as Severity, reason: formValue(e, 'reason') });
          }}
        >
          <Field label={t('action.severity')}>
            {(id) => (
              <select id={id} name="severity" defaultValue={i.severity}>
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {t(`severity.${s}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('action.reason')}>{(id) => <input id={id} name="reason" required maxLength={500} />}</Field>
          <button type="submit">{t('action.changeSeverity')}</button>
          <ErrorText error={severity.error} />
        </form>

        <form
          id="progress-form"
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            void doProgress({ id: i.id, message: formValue(e, 'message') }).then((r) => !r.error && form.reset());
          }}
        >
          <Field label={t('action.progress')}>{(id) => <textarea id={id} name="message" rows={2} required maxLength={2000} />}</Field>
          <button type="submit">{t('action.postProgress')}</button>
          <ErrorText error={progress.error} />
        </form>

        <form
          id="diagnosis-form"
          onSubmit={(e) => {
            e.preventDefault();
            void doDiagnosis({
              id: i.id,
              input: { cause: formValue(e, 'cause'), findings: formValue(e, 'findings'), actions: formValue(e, 'actions'), partsUsed: [] },
            });
          }}
        >
          <Field label={t('action.cause')}>{(id) => <input id={id} name="cause" required />}</Field>
          <Field label={t('action.findings')}>{(id) => <input id={id} name="findings" required />}</Field>
          <Field label={t('action.actionsTaken')}>{(id) => <input id={id} name="actions" required />}</Field>
          <button type="submit">{t('action.recordDiagnosis')}</button>
          <ErrorText error={diagnosis.error} />
        </form>

        {transitions.length ? (
          <form
            // Remounted when the status changes, so the choice starts again at the usual next step.
            key={i.status}
            id="transition-form"
            onSubmit={(e) => {
              e.preventDefault();
              void doTransition({ id: i.id, to: formValue(e, 'to') as Status, note: formValue(e, 'note') || null });
            }}
          >
            <Field label={t('action.moveTo')}>
              {(id) => (
                <select id={id} name="to">
                  {transitions.map((s) => (
                    <option key={s} value={s}>
                      {t(`status.${s}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('action.note')}>{(id) => <input id={id} name="note" maxLength={500} />}</Field>
            <button type="submit">{t('action.transition')}</button>
            <ErrorText error={transition.error} />
          </form>
        ) : null}

        {i.status === 'RESTORED' ? (
          <form
            id="close-form"
            onSubmit={(e) => {
              e.preventDefault();
              void doClose({ id: i.id, consentReference: formValue(e, 'consent'), note: formValue(e, 'note') || null });
            }}
          >
            <Field label={t('action.consentReference')}>{(id) => <input id={id} name="consent" required maxLength={200} />}</Field>
            <Field label={t('action.note')}>{(id) => <input id={id} name="note" maxLength={500} />}</Field>
            <button type="submit">{t('action.closeWithConsent')}</button>
            <ErrorText error={close.error} />
          </form>
        ) : null}
      </div>
    </section>
  );
}
