import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { readFragment, type FragmentOf } from './graphql';
import { ClockFields } from './documents';
import { dateTime, duration, target } from './format';

/** The current time, once a second: every countdown on the page reads the same tick. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** Fetches a view again every `ms`: for what has no subscription (complaints, stock, inspections) or changes with time alone (overdue marks). */
export function usePoll(reexecute: (opts: { requestPolicy: 'network-only' }) => void, ms: number): void {
  useEffect(() => {
    const timer = setInterval(() => reexecute({ requestPolicy: 'network-only' }), ms);
    return () => clearInterval(timer);
  }, [reexecute, ms]);
}

export type ClockTone = 'met' | 'paused' | 'breached' | 'warning' | 'running' | 'cancelled';

/** A running clock turns to warning once 75% of its budget is used (or when the hub says so), breached past its deadline. */
export function clockTone(clock: FragmentOf<typeof ClockFields>, now: number): { tone: ClockTone; leftMs: number } {
  const c = readFragment(ClockFields, clock);
  const leftMs = Date.parse(c.dueAt) - now;
  if (c.state === 'CANCELLED') return { tone: 'cancelled', leftMs };
  if (c.state === 'MET') return { tone: 'met', leftMs };
  if (c.state === 'BREACHED' || c.breached || (c.state === 'RUNNING' && leftMs < 0)) return { tone: 'breached', leftMs };
  if (c.state === 'PAUSED') return { tone: 'paused', leftMs };
  const span = Date.parse(c.dueAt) - Date.parse(c.startedAt);
  const usedShare = span > 0 ? (now - Date.parse(c.startedAt)) / span : 1;
  return { tone: c.warning || usedShare >= 0.75 ? 'warning' : 'running', leftMs };
}

export function ClockView({ clock, now, timeZone }: { clock: FragmentOf<typeof ClockFields>; now: number; timeZone?: string }) {
  const { t, i18n } = useTranslation();
  const c = readFragment(ClockFields, clock);
  const { tone, leftMs } = clockTone(clock, now);
  if (tone === 'cancelled') return null;
  let text: string;
  if (tone === 'met') text = t('clock.met');
  else if (tone === 'paused') text = t('clock.paused');
  else if (tone === 'breached') text = t('clock.overdue', { time: duration(t, -leftMs, 2, true) });
  else text = t('clock.left', { time: duration(t, leftMs, 2, true) });
  return (
    <div className={`clock ${tone}`} data-kind={c.kind} data-tone={tone}>
      <span className="clock-kind">
        {t(`clockKind.${c.kind}`)} {target(t, c.target)}
      </span>
      <span className="countdown">{text}</span>
      {tone === 'running' || tone === 'warning' || tone === 'breached' ? (
        <span className="due">{t('clock.due', { time: dateTime(c.dueAt, timeZone, i18n.resolvedLanguage ?? 'en') })}</span>
      ) : null}
    </div>
  );
}
