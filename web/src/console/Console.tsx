import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { UnmatchedAlerts } from './Alerts';
import { Complaints, DeadLetters, Depots, Inspections, RmaBoard } from './Boards';
import { IncidentPage } from './IncidentPage';
import { Queue } from './Queue';

const TABS = ['queue', 'rmas', 'depots', 'complaints', 'inspections', 'deadLetters', 'alerts'] as const;
type Tab = (typeof TABS)[number];
type Route = { tab: Tab } | { tab: 'incident'; id: string };

/** Views are addressed by the URL fragment (#/queue, #/incident/<id>): bookmarkable, and the key never enters the URL. */
function parseRoute(hash: string): Route {
  const [, first, second] = hash.replace(/^#/, '').split('/');
  if (first === 'incident' && second) return { tab: 'incident', id: decodeURIComponent(second) };
  return { tab: (TABS as readonly string[]).includes(first ?? '') ? (first as Tab) : 'queue' };
}

export function Console() {
  const { t } = useTranslation();
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const open = useCallback((id: string) => {
    location.hash = `#/incident/${encodeURIComponent(id)}`;
  }, []);
  return (
    <div className="console">
      <nav aria-label={t('nav.label')} className="tabs">
        <ul>
          {TABS.map((tab) => (
            <li key={tab}>
              <a href={`#/${tab}`} aria-current={route.tab === tab ? 'page' : undefined} id={`tab-${tab}`}>
                {t(`nav.${tab}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {route.tab === 'incident' ? <IncidentPage id={route.id} /> : null}
      {route.tab === 'queue' ? <Queue onOpen={open} /> : null}
      {route.tab === 'rmas' ? <RmaBoard /> : null}
      {route.tab === 'depots' ? <Depots /> : null}
      {route.tab === 'complaints' ? <Complaints /> : null}
      {route.tab === 'inspections' ? <Inspections /> : null}
      {route.tab === 'deadLetters' ? <DeadLetters /> : null}
      {route.tab === 'alerts' ? <UnmatchedAlerts /> : null}
    </div>
  );
}
