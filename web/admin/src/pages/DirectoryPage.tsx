import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, sendJson } from '../api.ts';
import { useFetch } from '../use-fetch.ts';

type Entry = { id: string; name: string; email?: string; enabled?: boolean; active?: boolean; createdAt: string };

function Section({ kind, fields }: { kind: 'departments' | 'agents' | 'lists'; fields: readonly ('name' | 'email')[] }) {
  const { t } = useTranslation();
  const { data, error, reload } = useFetch<{ items: Entry[]; total: number }>(`/records/${kind}?limit=500`);
  const [values, setValues] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  /** Reports its own failure in the form, so onSubmit need not await it. */
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    try {
      await sendJson(`/records/${kind}`, Object.fromEntries(fields.map((f) => [f, values[f] ?? ''])));
      setValues({});
      reload();
    } catch (err) {
      setMessage(errorText(err));
    }
  };
  return (
    <section aria-label={t(`directory.${kind}`)}>
      <h2>{t(`directory.${kind}`)}</h2>
      {error && <p className="error">{error}</p>}
      <ul>
        {data?.items.map((item) => (
          <li key={item.id}>
            {item.name}
            {item.email && ` <${item.email}>`}
            {(item.enabled === false || item.active === false) && ` (${t('directory.inactive')})`}
          </li>
        ))}
      </ul>
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        {fields.map((f) => (
          <input
            key={f}
            aria-label={t(`column.${f}`)}
            placeholder={t(`column.${f}`)}
            type={f === 'email' ? 'email' : 'text'}
            required
            value={values[f] ?? ''}
            onChange={(e) => setValues({ ...values, [f]: e.target.value })}
          />
        ))}
        <button type="submit">{t('directory.add')}</button>
      </form>
      {message && (
        <p role="alert" className="error">
          {message}
        </p>
      )}
    </section>
  );
}

export function DirectoryPage() {
  const { t } = useTranslation();
  return (
    <div className="directory">
      <h1>{t('nav.directory')}</h1>
      <Section kind="departments" fields={['name']} />
      <Section kind="agents" fields={['name', 'email']} />
      <Section kind="lists" fields={['name']} />
    </div>
  );
}
