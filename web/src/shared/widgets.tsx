import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { CombinedError } from 'urql';

/** Ratings 1 (poor) to 5 (excellent) as a radio group, so it works from the keyboard. */
export function Rating({ name, value, onChange }: { name: string; value: number | null; onChange: (n: number) => void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="rating">
      <legend>{t('rating.legend')}</legend>
      {[1, 2, 3, 4, 5].map((n) => (
        <label key={n}>
          <input type="radio" name={name} value={n} checked={value === n} onChange={() => onChange(n)} required />
          <span>{t(`rating.${n}`)}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** A refused request in the user's words where the hub's code is known; the hub's message otherwise. */
export function ErrorText({ error }: { error: CombinedError | undefined | null }) {
  const { t } = useTranslation();
  if (!error) return null;
  const graphQLError = error.graphQLErrors[0];
  const code = graphQLError?.extensions?.code as string | undefined;
  const message = code && t(`errors.${code}`, { defaultValue: '' }) ? t(`errors.${code}`) : (graphQLError?.message ?? error.message);
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}

export function Field({ label, children }: { label: string; children: (id: string) => React.ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

export function Badge({ tone, children }: { tone: string; children: React.ReactNode }) {
  return <span className={`badge ${tone}`}>{children}</span>;
}
