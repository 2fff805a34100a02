import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sendJson } from '../api.ts';
import { Failure } from '../Failure.tsx';
import { useFetch } from '../use-fetch.ts';
import { useSubmit } from '../use-submit.ts';

type Entry = { id: string; name: string; email?: string; enabled?: boolean; active?: boolean; createdAt: string };

function Section({ kind, fields }: { kind: 'departments' | 'agents' | 'lists'; fields: readonly ('name' | 'email')[] }) {
  const { t } = useTranslation();
  const { data, error, reload } = useFetch<{ items: Entry[]; total: number }>(`/records/${kind}?limit=500`);
  const [values, setValues] = useState<Record<string, string>>({});
  const add = useSubmit();
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
      <form
        className="inline-form"
        aria-busy={add.pending}
        onSubmit={add.onSubmit(async () => {
          await sendJson(`/records/${kind}`, Object.fromEntries(fields.map((f) => [f, values[f] ?? ''])));
          setValues({});
          reload();
        })}
      >
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
        <button type="submit" disabled={add.pending}>
          {t('directory.add')}
        </button>
      </form>
      <Failure error={add.error} />
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
