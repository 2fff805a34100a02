import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getJson, sendJson } from '../api.ts';
import { Failure } from '../Failure.tsx';
import { Time } from '../time.tsx';
import { useFetch } from '../use-fetch.ts';
import { useSubmit } from '../use-submit.ts';
import { useWords } from '../words.ts';
import type { CheckProblem } from '../../../../src/vocabulary/integration.ts';

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

/** One setting or secret, as GET /providers declares it (src/connectors/declaration.ts). */
interface ProviderField {
  readonly key: string;
  readonly label: string;
  readonly help: string;
  readonly required: boolean;
  readonly choices: readonly string[] | null;
  readonly roles: readonly string[] | null;
  readonly bindsSecrets: boolean;
}

interface ProviderInfo {
  readonly name: string;
  readonly label: string;
  readonly roles: readonly string[];
  /** OAuth 2 with a browser consent: the secrets the grant supplies (null: set by hand only). */
  readonly connection: {
    readonly kind: string;
    readonly grants: readonly string[] | null;
    readonly registerHint: string | null;
    readonly consoleLabel: string | null;
  };
  readonly settings: readonly ProviderField[];
  readonly secrets: readonly ProviderField[];
}

type Role = (typeof ROLES)[number];

/**
 * Connect with one consent (DESIGN.md "Connecting a service"): the data centre, the client ID and
 * secret of an app registered with the service, the roles to connect; the page shows the redirect
 * URI to register and where, then sends the browser to the service's consent page.
 */
function ConnectForm({ provider, current }: { provider: ProviderInfo; current: Integration }) {
  const { t } = useTranslation();
  const grants = provider.connection.grants ?? [];
  const role = current.role;
  const initial = Object.fromEntries(provider.settings.flatMap((f) => (f.choices ? [[f.key, f.choices[0] ?? '']] : [])));
  const [settings, setSettings] = useState<Record<string, string>>(current.provider === provider.name ? current.settings : initial);
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [roles, setRoles] = useState<readonly Role[]>(ROLES.filter((r) => provider.roles.includes(r)));
  const [register, setRegister] = useState<{ redirectUri: string; consoleUrl: string | null } | null>(null);
  const connect = useSubmit();
  const choice = provider.settings.find((f) => f.choices)?.key;
  const where = choice ? (settings[choice] ?? '') : '';
  useEffect(() => {
    let live = true;
    const query = new URLSearchParams({ provider: provider.name, ...(choice ? { [choice]: where } : {}) });
    getJson<{ redirectUri: string; consoleUrl: string | null }>(`/integrations/oauth/redirect-uri?${query}`)
      .then((r) => live && setRegister(r))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [provider.name, choice, where]);
  // Role-only settings (the Desk organisation) show when their role is connected.
  const fields = provider.settings.filter((f) => f.roles === null || f.roles.some((r) => roles.includes(r as Role)));
  const secretFields = provider.secrets.filter((f) => !grants.includes(f.key));
  const submit = connect.onSubmit(async () => {
    const clean = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== ''));
    const res = await sendJson<{ authorizeUrl: string }>(`/integrations/${role}/connect`, {
      provider: provider.name,
      settings: clean,
      secrets,
      roles: roles.filter((r) => r !== role),
    });
    window.location.assign(res.authorizeUrl);
  });
  return (
    <form className="provider-form" aria-label={t('integrations.connectWith', { provider: provider.label })} aria-busy={connect.pending} onSubmit={submit}>
      {register && (
        <p className="hint">
          {provider.connection.registerHint ?? t('integrations.registerRedirect')} <code>{register.redirectUri}</code>
          {register.consoleUrl && (
            <>
              {' '}
              <a href={register.consoleUrl} target="_blank" rel="noreferrer">
                {provider.connection.consoleLabel ?? t('integrations.apiConsole')}
              </a>
            </>
          )}
        </p>
      )}
      <fieldset>
        <legend>{t('integrations.rolesToConnect')}</legend>
        {ROLES.filter((r) => provider.roles.includes(r)).map((r) => (
          <label key={r} className="check">
            <input
              type="checkbox"
              checked={roles.includes(r)}
              disabled={r === role}
              onChange={(e) => setRoles(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))}
            />
            {t(`role.${r}`)}
          </label>
        ))}
      </fieldset>
      {fields.map((f) => (
        <SettingField key={f.key} field={f} value={settings[f.key]} onChange={(value) => setSettings({ ...settings, [f.key]: value })} />
      ))}
      {secretFields.map((f) => (
        <label key={f.key} className="field" title={f.help}>
          <span>{f.label}</span>
          <input
            type="password"
            autoComplete="off"
            required={f.required}
            value={secrets[f.key] ?? ''}
            onChange={(e) => setSecrets({ ...secrets, [f.key]: e.target.value })}
          />
        </label>
      ))}
      <button type="submit" disabled={connect.pending}>
        {t('integrations.connect', { provider: provider.label })}
      </button>
      <Failure error={connect.error} />
    </form>
  );
}

/** What the consent ended with, from the callback's redirect (`?oauth=connected&roles=…`). */
function ConsentResult() {
  const { t } = useTranslation();
  const params = new URLSearchParams(window.location.search);
  const outcome = params.get('oauth');
  if (outcome === null) return null;
  const roles = (params.get('roles') ?? '')
    .split(',')
    .filter((r) => r !== '')
    .map((r) => t(`role.${r}`))
    .join(', ');
  if (outcome === 'connected')
    return (
      <p role="status" className="ok">
        {t('integrations.connected', { roles })}
      </p>
    );
  return (
    <p role="alert" className="error">
      {t(outcome === 'denied' ? 'integrations.denied' : 'integrations.connectFailed', { roles, reason: params.get('reason') ?? '' })}
    </p>
  );
}

/** One declared setting as a form field: a list when the provider names its choices, else text. */
function SettingField({ field, value, onChange }: { field: ProviderField; value: string | undefined; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  return (
    <label className="field" title={field.help}>
      <span>{field.required ? field.label : t('integrations.optional', { label: field.label })}</span>
      {field.choices ? (
        <select value={value ?? field.choices[0] ?? ''} onChange={(e) => onChange(e.target.value)}>
          {field.choices.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      ) : (
        <input value={value ?? ''} required={field.required} onChange={(e) => onChange(e.target.value)} />
      )}
    </label>
  );
}

/** The form of a provider with settings or secrets, built from its declaration. */
function ProviderForm({ provider, current, onSaved }: { provider: ProviderInfo; current: Integration; onSaved: () => void }) {
  const { t } = useTranslation();
  const role = current.role;
  const fields = provider.settings.filter((f) => f.roles === null || f.roles.includes(role));
  const secretFields = provider.secrets.filter((f) => f.roles === null || f.roles.includes(role));
  const same = current.provider === provider.name;
  const initial = Object.fromEntries(provider.settings.flatMap((f) => (f.choices ? [[f.key, f.choices[0] ?? '']] : [])));
  const [settings, setSettings] = useState<Record<string, string>>(same ? current.settings : initial);
  // Secrets are write-only: the form starts empty; left empty on an existing setup keeps them.
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const save = useSubmit();
  // A setting that decides where or for whom the secrets go needs them again (the server drops the stored ones otherwise).
  const moved = same ? provider.settings.filter((f) => f.bindsSecrets && (settings[f.key] ?? '') !== (current.settings[f.key] ?? '')) : [];
  const keep = same && current.hasSecrets && moved.length === 0;
  const submit = save.onSubmit(async () => {
    const given = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== ''));
    const cleanSettings = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== ''));
    const sendSecrets = secretFields.length > 0 && !(keep && Object.keys(given).length === 0);
    await sendJson(`/integrations/${role}`, { provider: provider.name, settings: cleanSettings, ...(sendSecrets ? { secrets: given } : {}) }, 'PUT');
    setSecrets({});
    onSaved();
  });
  const label = (f: ProviderField) => (f.required ? f.label : t('integrations.optional', { label: f.label }));
  return (
    <form className="provider-form" aria-busy={save.pending} onSubmit={submit}>
      {fields.map((f) => (
        <SettingField key={f.key} field={f} value={settings[f.key]} onChange={(value) => setSettings({ ...settings, [f.key]: value })} />
      ))}
      {moved.length > 0 && current.hasSecrets && <p className="hint">{t('integrations.secretsAgain', { settings: moved.map((f) => f.label).join(', ') })}</p>}
      {secretFields.map((f) => (
        <label key={f.key} className="field" title={f.help}>
          <span>{label(f)}</span>
          <input
            type="password"
            autoComplete="off"
            value={secrets[f.key] ?? ''}
            placeholder={keep ? t('integrations.secretKept') : ''}
            required={!keep && f.required}
            onChange={(e) => setSecrets({ ...secrets, [f.key]: e.target.value })}
          />
        </label>
      ))}
      <button type="submit" disabled={save.pending}>
        {t('integrations.save', { provider: provider.label })}
      </button>
      <Failure error={save.error} />
    </form>
  );
}

/**
 * Which organisation (a Zoho Desk portal) the integration works in, offered when the provider's
 * settings pick one (`orgId`), none is set and the account sees several: right after Connect, the
 * admin picks one of the account's own, and the credentials the consent just granted stay. With one
 * organisation nothing is asked: the connector uses it.
 */
function OrganizationPicker({ role, onSaved }: { role: Role; onSaved: () => void }) {
  const { t } = useTranslation();
  const { data, error } = useFetch<{ items: { id: string; name: string }[]; orgId: string | null }>(`/integrations/${role}/organizations`);
  const [chosen, setChosen] = useState('');
  const save = useSubmit();
  if (error) return <p className="error">{t('integrations.organizationsFailed', { message: error })}</p>;
  if (!data || data.orgId !== null) return null;
  if (data.items.length === 0) return <p className="error">{t('integrations.organizationsNone')}</p>;
  if (data.items.length === 1) return null;
  return (
    <form
      className="organization-picker"
      aria-busy={save.pending}
      onSubmit={save.onSubmit(async () => {
        await sendJson(`/integrations/${role}/organization`, { orgId: chosen }, 'PUT');
        onSaved();
      })}
    >
      <label>
        {t('integrations.organization')}
        <select value={chosen} required onChange={(e) => setChosen(e.target.value)}>
          <option value="">{t('integrations.organizationChoose')}</option>
          {data.items.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name} ({o.id})
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={!chosen || save.pending}>
        {t('integrations.organizationSave')}
      </button>
      <Failure error={save.error} />
    </form>
  );
}

function RoleCard({
  integration,
  providers,
  reload,
}: {
  integration: Integration | undefined;
  providers: readonly ProviderInfo[];
  role: (typeof ROLES)[number];
  reload: () => void;
}) {
  const { t } = useTranslation();
  const words = useWords();
  // What a check found (an answer, not a failure); a refused action is the Failure beside the buttons.
  const [message, setMessage] = useState<string | null>(null);
  const action = useSubmit();
  const [editing, setEditing] = useState<string | null>(null);
  const [connecting, setConnecting] = useState<string | null>(null);
  const role = integration?.role;
  const act = (path: string, method = 'POST') =>
    action.run(async () => {
      setMessage(null);
      const res = await sendJson<{ ok?: boolean; message?: string; problem?: CheckProblem }>(
        `/integrations/${role}${path}`,
        method === 'POST' ? {} : undefined,
        method,
      );
      if (res.ok === true) setMessage(t('integrations.checkOk'));
      else if (res.ok === false && res.problem) setMessage(t(`integrations.checkProblem.${res.problem.code}`, res.problem.params));
      else if (res.ok === false) setMessage(t('integrations.checkFailed', { message: res.message ?? '' }));
      reload();
    });
  if (!integration) return null;
  // Providers with something to set up: the built-in store has its own button.
  const configurable = providers.filter((p) => p.roles.includes(integration.role) && p.settings.length + p.secrets.length > 0);
  const providerLabel = (name: string) => providers.find((p) => p.name === name)?.label ?? words.provider(name);
  const connectable = configurable.filter((p) => p.connection.grants !== null);
  const current = providers.find((p) => p.name === integration.provider);
  return (
    <section className="card" aria-label={t(`role.${integration.role}`)}>
      <h2>{t(`role.${integration.role}`)}</h2>
      <dl>
        <dt>{t('integrations.provider')}</dt>
        <dd>{providerLabel(integration.provider)}</dd>
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
      <div className="actions" aria-busy={action.pending}>
        <button type="button" disabled={action.pending} onClick={() => void act('/check')}>
          {t('integrations.check')}
        </button>
        <button type="button" disabled={action.pending} onClick={() => void act(integration.enabled ? '/disable' : '/enable')}>
          {integration.enabled ? t('integrations.disable') : t('integrations.enable')}
        </button>
        {integration.provider !== 'builtin' && (
          <button
            type="button"
            disabled={action.pending}
            onClick={() => {
              // The credentials are erased, not kept aside: connecting again needs them (or a consent) again.
              if (window.confirm(t('integrations.disconnectConfirm', { provider: providerLabel(integration.provider) }))) void act('', 'DELETE');
            }}
          >
            {t('integrations.disconnect')}
          </button>
        )}
        {connectable.map((p) => (
          <button key={p.name} type="button" aria-expanded={connecting === p.name} onClick={() => setConnecting(connecting === p.name ? null : p.name)}>
            {integration.provider === p.name && integration.status === 'invalid'
              ? t('integrations.reconnect', { provider: p.label })
              : t('integrations.connectWith', { provider: p.label })}
          </button>
        ))}
        {configurable.map((p) => (
          <button key={p.name} type="button" aria-expanded={editing === p.name} onClick={() => setEditing(editing === p.name ? null : p.name)}>
            {p.connection.grants !== null ? t('integrations.setUpByHand', { provider: p.label }) : t('integrations.setUp', { provider: p.label })}
          </button>
        ))}
      </div>
      <Failure error={action.error} />
      {connectable
        .filter((p) => p.name === connecting)
        .map((p) => (
          <ConnectForm key={p.name} provider={p} current={integration} />
        ))}
      {current?.settings.some((f) => f.key === 'orgId' && (f.roles === null || f.roles.includes(integration.role))) &&
        integration.hasSecrets &&
        !integration.settings['orgId'] && <OrganizationPicker role={integration.role} onSaved={reload} />}
      {message && <p role="status">{message}</p>}
      {configurable
        .filter((p) => p.name === editing)
        .map((p) => (
          <ProviderForm
            key={p.name}
            provider={p}
            current={integration}
            onSaved={() => {
              setEditing(null);
              reload();
            }}
          />
        ))}
    </section>
  );
}

export function IntegrationsPage() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language.startsWith('ja') ? 'ja' : 'en';
  const { data, error, reload } = useFetch<{ items: Integration[] }>('/integrations');
  const providers = useFetch<{ items: ProviderInfo[] }>(`/providers?locale=${locale}`);
  return (
    <div className="integrations">
      <h1>{t('nav.integrations')}</h1>
      {(error ?? providers.error) && (
        <p role="alert" className="error">
          {error ?? providers.error}
        </p>
      )}
      <ConsentResult />
      {ROLES.map((role) => (
        <RoleCard key={role} role={role} integration={data?.items.find((i) => i.role === role)} providers={providers.data?.items ?? []} reload={reload} />
      ))}
    </div>
  );
}
