import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, sendJson } from '../api.ts';
import { Time } from '../time.tsx';
import { useFetch } from '../use-fetch.ts';
import { useWords } from '../words.ts';

interface Integration {
  readonly role: 'crm' | 'helpdesk' | 'mailing';
  readonly provider: string;
  readonly enabled: boolean;
  readonly status: string;
  readonly statusMessage: string | null;
  readonly settings: Record<string, string>;
  readonly hasSecrets: boolean;
  readonly lastSuccessAt: string | null;
  readonly lastFailureAt: string | null;
  readonly lastError: string | null;
}

const ROLES = ['crm', 'helpdesk', 'mailing'] as const;
const ZOHO_SETTINGS = ['dc', 'clientId', 'orgId', 'accountsUrl', 'apiUrl', 'defaultCompany'] as const;
// The values of src/connectors/zoho/data-centres.ts (importing it would pull zod into the first load).
const DATA_CENTRES = ['com', 'eu', 'in', 'com.au', 'jp', 'com.cn', 'sa', 'ca'];
const ZOHO_SECRETS = ['clientSecret', 'refreshToken'] as const;

function ZohoForm({ current, onSaved }: { current: Integration | undefined; onSaved: () => void; }) {
  const { t } = useTranslation();
  const role = current?.role;
  const [settings, setSettings] = useState<Record<string, string>>(current?.provider === 'zoho' ? current.settings : { dc: 'com' });
  // Secrets are write-only: the form starts empty; left empty on an existing Zoho setup keeps them.
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const keep = current?.provider === 'zoho' && current.hasSecrets;
  /** Reports its own failure in the form, so onSubmit need not await it. */
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    const given = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== ''));
    const cleanSettings = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== ''));
    try {
      await sendJson(`/integrations/${role}`, { provider: 'zoho', settings: cleanSettings, ...(keep && Object.keys(given).length === 0 ? {} : { secrets: given }) }, 'PUT');
      setSecrets({});
      onSaved();
    } catch (err) {
      setMessage(errorText(err));
    }
  };
  return (
    <form className="zoho-form" onSubmit={(e) => void submit(e)}>
      {ZOHO_SETTINGS.map((key) => (
        <label key={key} className="field">
          <span>{t(`zoho.${key}`)}</span>
          {key === 'dc' ? (
            <select value={settings[key] ?? 'com'} onChange={(e) => setSettings({ ...settings, [key]: e.target.value })}>
              {DATA_CENTRES.map((dc) => (
                <option key={dc} value={dc}>
                  {dc}
                </option>
              ))}
            </select>
          ) : (
            <input value={settings[key] ?? ''} required={key === 'clientId'} onChange={(e) => setSettings({ ...settings, [key]: e.target.value })} />
          )}
        </label>
      ))}
      {ZOHO_SECRETS.map((key) => (
        <label key={key} className="field">
          <span>{t(`zoho.${key}`)}</span>
          <input
            type="password"
            autoComplete="off"
            value={secrets[key] ?? ''}
            placeholder={keep ? t('integrations.secretKept') : ''}
            required={!keep}
            onChange={(e) => setSecrets({ ...secrets, [key]: e.target.value })}
          />
        </label>
      ))}
      <button type="submit">{t('integrations.saveZoho')}</button>
      {message && <p role="alert" className="error">{message}</p>}
    </form>
  );
}

function RoleCard({ integration, reload }: { integration: Integration | undefined; role: (typeof ROLES)[number]; reload: () => void }) {
  const { t } = useTranslation();
  const words = useWords();
  const [message, setMessage] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const role = integration?.role;
  const act = async (path: string, body: unknown = {}, method = 'POST') => {
    setMessage(null);
    try {
      const res = await sendJson<{ ok?: boolean; message?: string }>(`/integrations/${role}${path}`, body, method);
      if (res.ok === true) setMessage(t('integrations.checkOk'));
      else if (res.ok === false) setMessage(t('integrations.checkFailed', { message: res.message ?? '' }));
      reload();
    } catch (err) {
      setMessage(errorText(err));
    }
  };
  if (!integration) return null;
  return (
    <section className="card" aria-label={t(`role.${integration.role}`)}>
      <h2>{t(`role.${integration.role}`)}</h2>
      <dl>
        <dt>{t('integrations.provider')}</dt>
        <dd>{words.provider(integration.provider)}</dd>
        <dt>{t('integrations.status')}</dt>
        <dd className={`status-${integration.status}`}>
          {integration.enabled ? t(`integrations.status_${integration.status}`, { defaultValue: integration.status }) : t('integrations.disabled')}
          {integration.statusMessage && ` — ${integration.statusMessage}`}
        </dd>
        <dt>{t('integrations.lastSuccess')}</dt>
        <dd>{integration.lastSuccessAt ? <Time value={integration.lastSuccessAt} /> : '—'}</dd>
        <dt>{t('integrations.lastError')}</dt>
        <dd>
          {integration.lastError ? integration.lastError : '—'}
          {integration.lastError && integration.lastFailureAt && (
            <>
              {' ('}
              <Time value={integration.lastFailureAt} />
              {')'}
            </>
          )}
        </dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={() => void act('/check')}>
          {t('integrations.check')}
        </button>
        <button type="button" onClick={() => void act(integration.enabled ? '/disable' : '/enable')}>
          {integration.enabled ? t('integrations.disable') : t('integrations.enable')}
        </button>
        {integration.provider !== 'builtin' && (
          <button type="button" onClick={() => void act('', { provider: 'builtin', settings: {} }, 'PUT')}>
            {t('integrations.useBuiltin')}
          </button>
        )}
        <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
          {t('integrations.setUpZoho')}
        </button>
      </div>
      {message && <p role="status">{message}</p>}
      {editing && (
        <ZohoForm
          current={integration}
          onSaved={() => {
            setEditing(false);
            reload();
          }}
        />
      )}
    </section>
  );
}

export function IntegrationsPage() {
  const { t } = useTranslation();
  const { data, error, reload } = useFetch<{ items: Integration[] }>('/integrations');
  return (
    <div className="integrations">
      <h1>{t('nav.integrations')}</h1>
      {error && <p role="alert" className="error">{error}</p>}
      {ROLES.map((role) => (
        <RoleCard key={role} role={role} integration={data?.items.find((i) => i.role === role)} reload={reload} />
      ))}
    </div>
  );
}
