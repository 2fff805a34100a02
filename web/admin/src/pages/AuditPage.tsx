import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, request } from '../api.ts';
import { download } from '../download.ts';
import { privacyEn } from '../locales/privacy.en.ts';
import { useFetch } from '../use-fetch.ts';

interface Entry {
  readonly id: string;
  readonly at: string;
  readonly actor: { kind: string; id: string | null; name: string | null };
  readonly address: string | null;
  readonly action: string;
  readonly target: string | null;
  readonly details: Record<string, unknown>;
}

const ACTIONS = Object.keys(privacyEn.actions);
const ACTOR_KINDS = Object.keys(privacyEn.actorKinds);
const PAGE = 50;

interface Filter {
  action: string;
  actorKind: string;
  actor: string;
  since: string;
  until: string;
}
const NO_FILTER: Filter = { action: '', actorKind: '', actor: '', since: '', until: '' };

/** The filter as query parameters; `until` is the day after the last day asked for (the API's bound is exclusive). */
function params(filter: Filter): URLSearchParams {
  const q = new URLSearchParams();
  if (filter.action) q.set('action', filter.action);
  if (filter.actorKind) q.set('actorKind', filter.actorKind);
  if (filter.actor.trim()) q.set('actor', filter.actor.trim());
  if (filter.since) q.set('since', filter.since);
  if (filter.until) {
    const next = new Date(`${filter.until}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    q.set('until', next.toISOString().slice(0, 10));
  }
  return q;
}

/** The audit log: filter it, page through it, download it as CSV. It offers no way to change an entry: there is none. */
export function AuditPage() {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Filter>(NO_FILTER);
  const [filter, setFilter] = useState<Filter>(NO_FILTER);
  const [offset, setOffset] = useState(0);
  const [exportError, setExportError] = useState<string | null>(null);
  const query = params(filter);
  const { data, error } = useFetch<{ items: Entry[]; total: number }>(`/audit?${query}&limit=${PAGE}&offset=${offset}`);

  async function exportCsv() {
    setExportError(null);
    try {
      const res = await request(`/audit?${query}&format=csv`);
      download(`renkei-audit-${new Date().toISOString().slice(0, 10)}.csv`, new Blob(['\uFEFF', await res.text()], { type: 'text/csv;charset=utf-8' }));
    } catch (err) {
      setExportError(errorText(err));
    }
  }

  const set = (key: keyof Filter) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });
  return (
    <section className="audit">
      <h1>{t('privacy.audit.title')}</h1>
      <p className="hint">{t('privacy.audit.intro')}</p>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setFilter(draft);
        }}
      >
        <label>
          {t('privacy.audit.action')}
          <select name="action" value={draft.action} onChange={set('action')}>
            <option value="">{t('privacy.audit.anyAction')}</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {t(`privacy.actions.${a}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('privacy.audit.actorKind')}
          <select name="actorKind" value={draft.actorKind} onChange={set('actorKind')}>
            <option value="">{t('privacy.audit.anyActor')}</option>
            {ACTOR_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`privacy.actorKinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('privacy.audit.actor')}
          <input name="actor" value={draft.actor} onChange={set('actor')} />
        </label>
        <label>
          {t('privacy.audit.since')}
          <input name="since" type="date" value={draft.since} onChange={set('since')} />
        </label>
        <label>
          {t('privacy.audit.until')}
          <input name="until" type="date" value={draft.until} onChange={set('until')} />
        </label>
        <button type="submit">{t('privacy.audit.apply')}</button>
        <button type="button" onClick={() => void exportCsv()}>
          {t('privacy.audit.download')}
        </button>
      </form>
      {(error ?? exportError) && (
        <p role="alert" className="error">
          {error ?? exportError}
        </p>
      )}
      {data && <p className="hint">{t('privacy.audit.total', { count: data.total })}</p>}
      <table className="audit-log">
        <thead>
          <tr>
            <th>{t('privacy.audit.at')}</th>
            <th>{t('privacy.audit.action')}</th>
            <th>{t('privacy.audit.actorKind')}</th>
            <th>{t('privacy.audit.address')}</th>
            <th>{t('privacy.audit.target')}</th>
            <th>{t('privacy.audit.details')}</th>
          </tr>
        </thead>
        <tbody>
          {data?.items.map((e) => (
            <tr key={e.id}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{t(`privacy.actions.${e.action}`, { defaultValue: e.action })}</td>
              <td>
                {t(`privacy.actorKinds.${e.actor.kind}`, { defaultValue: e.actor.kind })}
                {e.actor.name ? ` (${e.actor.name})` : ''}
              </td>
              <td>{e.address ?? ''}</td>
              <td>{e.target ?? ''}</td>
              <td>
                <code>{Object.keys(e.details).length === 0 ? '' : JSON.stringify(e.details)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data?.items.length === 0 && <p>{t('privacy.audit.none')}</p>}
      {data && data.total > PAGE && (
        <div className="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t('records.previous')}
          </button>
          <span>
            {offset + 1}–{Math.min(offset + PAGE, data.total)} / {data.total}
          </span>
          <button type="button" disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>
            {t('records.next')}
          </button>
        </div>
      )}
    </section>
  );
}
