import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sendJson } from '../api.ts';
import { Failure } from '../Failure.tsx';
import { useFetch } from '../use-fetch.ts';
import { useSubmit } from '../use-submit.ts';

const KINDS = ['conversations', 'records', 'idle'] as const;
type Kind = (typeof KINDS)[number];

interface Setting {
  readonly days: number | null;
  readonly source: 'default' | 'admin' | 'environment';
  readonly variable: string;
}
type Retention = Record<Kind, Setting> & {
  readonly lastRun: { finishedAt: string; closed: number; purged: Record<string, number>; error: string | null } | null;
};

/** What the form holds per period: kept for ever, or a number of days as typed. */
type Draft = Record<Kind, { keep: boolean; days: string }>;

const draftOf = (r: Retention): Draft =>
  Object.fromEntries(KINDS.map((k) => [k, { keep: r[k].days === null, days: r[k].days === null ? '' : String(r[k].days) }])) as Draft;

export function RetentionSettings() {
  const { t } = useTranslation();
  const { data, error, reload } = useFetch<Retention>('/retention');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useSubmit();
  useEffect(() => {
    if (data) setDraft(draftOf(data));
  }, [data]);

  if (error)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  if (!data || !draft) return <p>{t('loading')}</p>;

  const submit = save.onSubmit(async () => {
    setSaved(false);
    const body: Partial<Record<Kind, number | 'keep'>> = {};
    for (const k of KINDS) {
      if (data[k].source === 'environment') continue;
      body[k] = draft[k].keep ? 'keep' : Number(draft[k].days);
    }
    await sendJson('/retention', body, 'PUT');
    setSaved(true);
    reload();
  });

  const run = data.lastRun;
  return (
    <section className="card retention" aria-labelledby="retention-title">
      <h2 id="retention-title">{t('privacy.retention.title')}</h2>
      <p className="hint">{t('privacy.retention.intro')}</p>
      <form className="retention-form" aria-busy={save.pending} onSubmit={submit}>
        {KINDS.map((k) => {
          const fixed = data[k].source === 'environment';
          return (
            <fieldset key={k} disabled={fixed}>
              <legend>{t(`privacy.retention.${k}`)}</legend>
              <label className="check">
                <input
                  type="checkbox"
                  name={`${k}-keep`}
                  checked={draft[k].keep}
                  onChange={(e) => setDraft({ ...draft, [k]: { ...draft[k], keep: e.target.checked } })}
                />
                {t('privacy.retention.keep')}
              </label>
              {!draft[k].keep && (
                <label>
                  <input
                    type="number"
                    name={`${k}-days`}
                    aria-label={`${t(`privacy.retention.${k}`)}: ${t('privacy.retention.days')}`}
                    min={1}
                    max={36500}
                    required
                    value={draft[k].days}
                    onChange={(e) => setDraft({ ...draft, [k]: { ...draft[k], days: e.target.value } })}
                  />{' '}
                  {t(`privacy.retention.${k}Hint`)}
                </label>
              )}
              {fixed && <p className="hint">{t('privacy.retention.fixedBy', { variable: data[k].variable })}</p>}
            </fieldset>
          );
        })}
        <button type="submit" disabled={save.pending}>
          {t('privacy.retention.save')}
        </button>
      </form>
      {saved && (
        <p role="status" className="status ok">
          {t('privacy.retention.saved')}
        </p>
      )}
      <Failure error={save.error} />
      {run && (
        <p className="hint">
          {run.error === null
            ? t('privacy.retention.lastRun', {
                at: new Date(run.finishedAt).toLocaleString(),
                rows: Object.values(run.purged).reduce((a, b) => a + b, 0),
                closed: run.closed,
              })
            : t('privacy.retention.lastRunFailed', { at: new Date(run.finishedAt).toLocaleString(), error: run.error })}
        </p>
      )}
    </section>
  );
}
