/**
 * A notification's subject and text in the recipient's language: localized
 * labels, times in the site's zone, durations in words.
 */
import i18next from 'i18next';
import type { ClockKind } from '../../sla/rules/sla-clock';
import type { ManagementLevel } from '../../sla/rules/escalation';
import { LANGUAGES, MESSAGES } from '../templates/messages';
import type { NotificationCause } from './recipients';
import { durationInWords, timeInZone } from './wording';

const i18n = i18next.createInstance();
void i18n.init({
  resources: MESSAGES,
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: LANGUAGES,
  initAsync: false,
  interpolation: { escapeValue: false },
});

const INCIDENT_CAUSES: ReadonlySet<NotificationCause> = new Set([
  'BREACH_WARNING',
  'BREACH',
  'ESCALATION',
  'EMERGENCY_UPDATE',
  'EMERGENCY_UPDATE_MISSED',
]);

export interface MessageFacts {
  readonly ref: string;
  readonly severity: string;
  readonly summary: string;
  readonly site: string;
  readonly timeZone: string;
  readonly at: Date;
  readonly clock?: ClockKind | null;
  readonly dueAt?: Date | null;
  readonly remainingMs?: number | null;
  readonly fromLevel?: ManagementLevel | null;
  readonly toLevel?: ManagementLevel | null;
  readonly trigger?: 'CLOCK_BREACH' | 'PROGRESS_OVERDUE' | 'UNRESOLVED_PERIOD' | null;
  /** The step period in ms, for UNRESOLVED_PERIOD. */
  readonly periodMs?: number | null;
  readonly progress?: string | null;
}

export interface RenderedMessage {
  readonly subject: string;
  readonly body: string;
}

export function renderNotification(cause: NotificationCause, facts: MessageFacts, language: string): RenderedMessage {
  const lng = (LANGUAGES as readonly string[]).includes(language) ? language : 'en';
  const t = i18n.getFixedT(lng);
  const vars = {
    ref: facts.ref,
    severity: facts.severity,
    summary: facts.summary,
    site: facts.site,
    zone: facts.timeZone,
    at: timeInZone(facts.at, facts.timeZone, lng),
    clock: facts.clock ? t(`clock.${facts.clock}`) : '',
    due: facts.dueAt ? timeInZone(facts.dueAt, facts.timeZone, lng) : '',
    remaining: durationInWords(facts.remainingMs ?? 0, lng),
    level: facts.toLevel ? t(`level.${facts.toLevel}`) : '',
    from: facts.fromLevel ? t(`level.${facts.fromLevel}`) : '',
    why: facts.trigger ? t(`trigger.${facts.trigger}`, { period: durationInWords(facts.periodMs ?? 0, lng) }) : '',
    progress: facts.progress ?? '',
  };
  return {
    subject: t(`subject.${cause}`, vars).slice(0, 300),
    body: [
      ...(INCIDENT_CAUSES.has(cause) ? [t('body.head', vars)] : []),
      t(`body.${cause}`, vars),
      ...(cause === 'EOL_NOTICE' ? [] : [t('body.tail', vars)]),
    ].join('\n'),
  };
}
