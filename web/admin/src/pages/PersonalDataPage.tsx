import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getJson, request } from '../api.ts';
import { useSubmit } from '../use-submit.ts';
import { download } from '../download.ts';
import { Link } from '../Link.tsx';
import { RetentionSettings } from './RetentionSettings.tsx';

type By = 'email' | 'phone';

interface ExternalRecord {
  readonly provider: string;
  readonly role: string;
  readonly action: string;
  readonly recordId: string | null;
  readonly number: string | null;
  readonly destination: string | null;
  readonly effectId: string;
}

interface PersonalData {
  readonly subject: { kind: By; value: string };
  readonly counts: Record<string, number>;
  readonly externalRecords: readonly ExternalRecord[];
  readonly data: Record<string, Record<string, unknown>[]>;
}

interface Erasure {
  readonly removed: Record<string, number>;
  readonly externalRecords: readonly ExternalRecord[];
}

function ExternalRecords({ records }: { records: readonly ExternalRecord[] }) {
  const { t } = useTranslation();
  if (records.length === 0) return null;
  return (
    <>
      <h3>{t('privacy.find.external')}</h3>
      <table className="external-records">
        <thead>
          <tr>
            <th>{t('integrations.provider')}</th>
            <th>{t('column.action')}</th>
            <th>ID</th>
            <th>{t('column.number')}</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.effectId}>
              <td>{r.provider}</td>
              <td>{r.action}</td>
              <td>{r.recordId ?? r.destination ?? ''}</td>
              <td>{r.number ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/**
 * Find, download and erase what Renkei holds about a person, and how long it keeps what visitors
 * leave behind. Everything shown here is what visitors typed: text nodes only.
 */
export function PersonalDataPage() {
  const { t } = useTranslation();
  const [by, setBy] = useState<By>('email');
  const [value, setValue] = useState('');
  const [found, setFound] = useState<PersonalData | null>(null);
  const [erased, setErased] = useState<Erasure | null>(null);
  // One write at a time: finding and erasing share the pending state and the error.
  const { pending: busy, error, run } = useSubmit();

  const query = (subject: { kind: By; value: string }) => `/personal-data?${new URLSearchParams({ [subject.kind]: subject.value })}`;

  const find = () =>
    run(async () => {
      setErased(null);
      setFound(null);
      setFound(await getJson<PersonalData>(query({ kind: by, value })));
    });

  async function erase(person: PersonalData) {
    if (!window.confirm(t('privacy.find.confirm', { value: person.subject.value }))) return;
    await run(async () => {
      const answer = (await (await request(query(person.subject), { method: 'DELETE' })).json()) as Erasure;
      setErased(answer);
      setFound(null);
    });
  }

  const held = found ? Object.entries(found.counts).filter(([, n]) => n > 0) : [];
  const removed = erased ? Object.entries(erased.removed).filter(([, n]) => n > 0) : [];
  const sectionName = (section: string) => t(`privacy.sections.${section}`, { defaultValue: section });

  return (
    <div className="personal-data">
      <h1>{t('privacy.nav.personalData')}</h1>
      <RetentionSettings />
      <section className="card" aria-labelledby="find-title">
        <h2 id="find-title">{t('privacy.find.title')}</h2>
        <p className="hint">{t('privacy.find.intro')}</p>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void find();
          }}
        >
          <label>
            {t('privacy.find.by')}
            <select name="person-by" value={by} onChange={(e) => setBy(e.target.value as By)}>
              <option value="email">{t('privacy.find.email')}</option>
              <option value="phone">{t('privacy.find.phone')}</option>
            </select>
          </label>
          <label>
            {t('privacy.find.value')}
            <input name="person" type={by === 'email' ? 'email' : 'tel'} required value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" />
          </label>
          <button type="submit" disabled={busy}>
            {t('privacy.find.submit')}
          </button>
        </form>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}

        {found && held.length === 0 && <p role="status">{t('privacy.find.nothing', { value: found.subject.value })}</p>}
        {found && held.length > 0 && (
          <div className="person-found">
            <h3>{t('privacy.find.held', { value: found.subject.value })}</h3>
            <table className="held">
              <thead>
                <tr>
                  <th>{t('privacy.find.section')}</th>
                  <th>{t('privacy.find.rows')}</th>
                </tr>
              </thead>
              <tbody>
                {held.map(([section, n]) => (
                  <tr key={section}>
                    <td>{sectionName(section)}</td>
                    <td>{n}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h3>{t('privacy.find.conversations')}</h3>
            <ul>
              {(found.data['conversations'] ?? []).map((c) => (
                <li key={String(c['id'])}>
                  <Link to={`/conversations/${encodeURIComponent(String(c['id']))}`}>{new Date(String(c['updatedAt'])).toLocaleString()}</Link>{' '}
                  {String(c['botId'])} · {String(c['status'])}
                </li>
              ))}
            </ul>
            <ExternalRecords records={found.externalRecords} />
            <div className="actions">
              <button
                type="button"
                onClick={() =>
                  download(`renkei-personal-data-${found.subject.kind}.json`, new Blob([JSON.stringify(found, null, 2)], { type: 'application/json' }))
                }
              >
                {t('privacy.find.download')}
              </button>
              <button type="button" className="danger" disabled={busy} onClick={() => void erase(found)}>
                {t('privacy.find.erase')}
              </button>
            </div>
          </div>
        )}

        {erased && (
          <div className="person-erased">
            <p role="status">
              {removed.length === 0
                ? t('privacy.find.erasedNothing')
                : t('privacy.find.erased', { summary: removed.map(([s, n]) => `${sectionName(s)} ${n}`).join(', ') })}
            </p>
            <ExternalRecords records={erased.externalRecords} />
          </div>
        )}
      </section>
    </div>
  );
}
