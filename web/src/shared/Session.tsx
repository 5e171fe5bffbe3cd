import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Provider } from 'urql';
import { createHubClient, type Connection } from './client';
import { LANGUAGES } from './i18n';

export type Role = 'ADMIN' | 'CUSTOMER' | 'OPERATOR' | 'PARTNER' | 'WAREHOUSE';
export interface Session {
  role: Role;
  name: string;
  scopeId: string | null;
  /** Bumped when the live socket reconnects: views remount and fetch what they may have missed. */
  generation: number;
}

const LARGE_STORAGE = 'hub.large';

/** Who the key belongs to; a wrong key fails here, before any page data is asked for. */
async function whoAmI(apiKey: string): Promise<{ role: Role; name: string; scopeId: string | null }> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query: '{ me { role name scopeId } }' }),
  });
  const body = (await response.json().catch(() => ({}))) as {
    data?: { me: { role: Role; name: string; scopeId: string | null } };
    errors?: { extensions?: { code?: string } }[];
  };
  if (body.data?.me) return body.data.me;
  throw new Error(body.errors?.[0]?.extensions?.code ?? `HTTP_${response.status}`);
}

function useLargeType(): [boolean, (on: boolean) => void] {
  // ?large=1 / ?large=0 set it from a bookmark (a wall screen); otherwise the last choice in this browser.
  const [large, setLarge] = useState(() => {
    const fromUrl = new URLSearchParams(location.search).get('large');
    return fromUrl === null ? localStorage.getItem(LARGE_STORAGE) === '1' : fromUrl === '1';
  });
  useEffect(() => {
    // rem sizes follow the root element, so the switch lives there.
    document.documentElement.classList.toggle('large', large);
    localStorage.setItem(LARGE_STORAGE, large ? '1' : '0');
  }, [large]);
  return [large, setLarge];
}

interface Props {
  /** sessionStorage entry holding the key (one per page: a tab can be a customer's dashboard and another an operator's console). */
  storageKey: string;
  titleKey: string;
  allowed: Role[];
  children: (session: Session) => ReactNode;
}

/** Sign-in with an API key kept in this tab's sessionStorage (never in a URL), the page header, and the urql client. */
export function SessionGate({ storageKey, titleKey, allowed, children }: Props) {
  const { t, i18n } = useTranslation();
  const [apiKey, setApiKey] = useState<string | null>(() => sessionStorage.getItem(storageKey));
  const [who, setWho] = useState<{ role: Role; name: string; scopeId: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [connection, setConnection] = useState<Connection>('offline');
  const [generation, setGeneration] = useState(0);
  const [large, setLarge] = useLargeType();

  useEffect(() => {
    document.title = t(titleKey);
  }, [t, titleKey, i18n.resolvedLanguage]);

  const signOut = (reason: string | null) => {
    sessionStorage.removeItem(storageKey);
    setApiKey(null);
    setWho(null);
    setError(reason);
  };

  useEffect(() => {
    if (!apiKey || who) return;
    let cancelled = false;
    whoAmI(apiKey).then(
      (me) => {
        if (cancelled) return;
        if (!allowed.includes(me.role)) return signOut(t('signIn.wrongRole', { role: me.role }));
        sessionStorage.setItem(storageKey, apiKey);
        setWho(me);
      },
      (e: Error) =>
        !cancelled && signOut(e.message === 'UNAUTHENTICATED' ? t('signIn.invalid') : t('signIn.failed', { reason: e.message })),
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [apiKey, who]);

  const hub = useMemo(
    () =>
      apiKey && who
        ? createHubClient(
            apiKey,
            (state, reconnected) => {
              setConnection(state);
              if (reconnected) setGeneration((g) => g + 1);
            },
            () => signOut(t('signIn.refused')),
          )
        : null,
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [apiKey, who],
  );
  useEffect(() => () => void hub?.ws.dispose(), [hub]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('apiKey') ?? '').trim();
    setError(null);
    if (value) setApiKey(value);
  };

  return (
    <>
      <header className="top">
        <h1>{t(titleKey)}</h1>
        <div className="controls">
          {hub ? (
            <span id="connection" className={`connection ${connection}`} role="status">
              {t(`connection.${connection}`)}
            </span>
          ) : null}
          <label className="language">
            <span className="visually-hidden">{t('header.language')}</span>
            <select id="language" value={i18n.resolvedLanguage} onChange={(e) => void i18n.changeLanguage(e.target.value)}>
              {LANGUAGES.map((l) => (
                <option key={l.code} value={l.code} lang={l.code}>
                  {l.label}
                </option>
              ))}
            </select>
          </label>
          <button id="toggle-large" type="button" aria-pressed={large} onClick={() => setLarge(!large)}>
            {t('header.largeType')}
          </button>
          {who ? (
            <button id="sign-out" type="button" onClick={() => signOut(null)}>
              {t('header.signOut')}
            </button>
          ) : null}
        </div>
      </header>
      {hub && who ? (
        <Provider value={hub.client}>
          <main id="main" key={generation}>
            {children({ ...who, generation })}
          </main>
        </Provider>
      ) : (
        <main id="sign-in" className="sign-in">
          <form id="sign-in-form" autoComplete="off" onSubmit={submit}>
            <h2>{t('signIn.title')}</h2>
            <p>{t('signIn.help')}</p>
            <label htmlFor="api-key">{t('signIn.key')}</label>
            <input id="api-key" name="apiKey" type="password" autoComplete="off" placeholder="shk_…" required spellCheck={false} />
            <button type="submit" disabled={Boolean(apiKey && !who)}>
              {t('signIn.submit')}
            </button>
            {error ? (
              <p id="sign-in-error" className="error" role="alert">
                {error}
              </p>
            ) : null}
          </form>
        </main>
      )}
    </>
  );
}
