import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BusinessHours } from '../../../../src/store/business-hours.ts';
import { TEAM_EVENTS } from '../../../../src/vocabulary/team-events.ts';
import { errorText, getJson, request, sendJson } from '../api.ts';
import { Failure } from '../Failure.tsx';
import { useSubmit } from '../use-submit.ts';

interface User {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'agent';
  disabled: boolean;
  hasPassword: boolean;
}
interface Webhook {
  id: string;
  url: string;
  format: 'renkei' | 'slack';
  events: string[];
  secret?: string;
}
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * The team: accounts and invitations, business hours, event webhooks. Admins only. Each form and
 * each list's buttons is one useSubmit: disabled while its write runs, its failure said beside it;
 * the page's alert is for what could not be loaded.
 */
export function TeamPage() {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="team">
      <h1>{t('team.team.title')}</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <Users onError={setError} />
      <Hours onError={setError} />
      <Webhooks onError={setError} />
    </div>
  );
}

type OnError = (message: string | null) => void;

function Users({ onError }: { onError: OnError }) {
  const { t } = useTranslation();
  const [users, setUsers] = useState<User[]>([]);
  const [draft, setDraft] = useState({ email: '', name: '', role: 'agent' });
  const [invited, setInvited] = useState<string | null>(null);
  const invite = useSubmit();
  const toggle = useSubmit();
  const reload = () =>
    void getJson<{ users: User[] }>('/users').then(
      (r) => setUsers(r.users),
      (e: unknown) => onError(errorText(e)),
    );
  useEffect(reload, []);
  return (
    <section className="card">
      <h2>{t('team.team.users')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('team.team.email')}</th>
            <th>{t('team.team.name')}</th>
            <th>{t('team.team.role')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.email}</td>
              <td>{u.name}</td>
              <td>
                {t(`team.team.${u.role}`)}
                {u.disabled ? ` (${t('team.team.disabled')})` : !u.hasPassword ? ` (${t('team.team.pending')})` : ''}
              </td>
              <td>
                <button
                  type="button"
                  disabled={toggle.pending}
                  onClick={() =>
                    void toggle.run(async () => {
                      await sendJson(`/users/${u.id}`, { disabled: !u.disabled }, 'PATCH');
                      reload();
                    })
                  }
                >
                  {u.disabled ? t('team.team.enable') : t('team.team.disable')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Failure error={toggle.error} />
      <form
        className="inline-form"
        aria-busy={invite.pending}
        onSubmit={invite.onSubmit(async () => {
          setInvited(null);
          const res = await sendJson<{ invitation: { url: string; emailed: boolean } | null }>('/users', draft);
          setInvited(
            res.invitation
              ? res.invitation.emailed
                ? t('team.team.emailed', { email: draft.email })
                : `${t('team.team.invited', { email: draft.email })} ${res.invitation.url}`
              : null,
          );
          setDraft({ email: '', name: '', role: 'agent' });
          reload();
        })}
      >
        <label>
          {t('team.team.email')}
          <input type="email" value={draft.email} onChange={(e) => setDraft({ ...draft, email: e.target.value })} required />
        </label>
        <label>
          {t('team.team.name')}
          <input value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} required />
        </label>
        <label>
          {t('team.team.role')}
          <select value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value })}>
            <option value="agent">{t('team.team.agent')}</option>
            <option value="admin">{t('team.team.admin')}</option>
          </select>
        </label>
        <button type="submit" disabled={invite.pending}>
          {t('team.team.add')}
        </button>
      </form>
      <Failure error={invite.error} />
      {invited && (
        <p role="status" className="invited">
          {invited}
        </p>
      )}
    </section>
  );
}

function Hours({ onError }: { onError: OnError }) {
  const { t } = useTranslation();
  const [hours, setHours] = useState<(BusinessHours & { openNow: boolean }) | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useSubmit();
  useEffect(() => void getJson<BusinessHours & { openNow: boolean }>('/business-hours').then(setHours, (e: unknown) => onError(errorText(e))), [onError]);
  if (!hours) return null;
  const dayText = (d: (typeof DAYS)[number]): string => hours.week[d].map((i) => `${i.open}-${i.close}`).join(', ');
  const parseDay = (text: string) =>
    text
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map((p) => {
        const [open = '', close = ''] = p.split('-').map((x) => x.trim());
        return { open, close };
      });
  return (
    <section className="card">
      <h2>{t('team.team.hours')}</h2>
      <p>{hours.openNow ? t('team.team.openNow') : t('team.team.closedNow')}</p>
      <form
        className="hours-form"
        aria-busy={save.pending}
        onSubmit={save.onSubmit(async () => {
          setSaved(false);
          const { openNow: _o, holidayToday: _h, ...body } = hours as BusinessHours & { openNow: boolean; holidayToday?: unknown };
          setHours(await sendJson('/business-hours', body, 'PUT'));
          setSaved(true);
        })}
      >
        <label>
          <input type="checkbox" checked={hours.enabled} onChange={(e) => setHours({ ...hours, enabled: e.target.checked })} /> {t('team.team.hoursEnabled')}
        </label>
        <label>
          {t('team.team.timeZone')} <input value={hours.timeZone} onChange={(e) => setHours({ ...hours, timeZone: e.target.value })} />
        </label>
        {DAYS.map((d) => (
          <label key={d}>
            {t(`team.team.days.${d}`)}{' '}
            <input
              defaultValue={dayText(d)}
              placeholder="09:00-18:00"
              onBlur={(e) => setHours({ ...hours, week: { ...hours.week, [d]: parseDay(e.target.value) } })}
            />
          </label>
        ))}
        <label>
          <input type="checkbox" checked={hours.holidays === 'jp'} onChange={(e) => setHours({ ...hours, holidays: e.target.checked ? 'jp' : 'none' })} />{' '}
          {t('team.team.holidays')}
        </label>
        <label>
          {t('team.team.closedDates')}
          <textarea
            rows={3}
            defaultValue={hours.closedDates.join('\n')}
            onBlur={(e) =>
              setHours({
                ...hours,
                closedDates: e.target.value
                  .split('\n')
                  .map((l) => l.trim())
                  .filter((l) => l !== ''),
              })
            }
          />
        </label>
        <button type="submit" disabled={save.pending}>
          {t('team.team.save')}
        </button>
        {saved && <span role="status">{t('team.team.saved')}</span>}
      </form>
      <Failure error={save.error} />
    </section>
  );
}

function Webhooks({ onError }: { onError: OnError }) {
  const { t } = useTranslation();
  const [hooks, setHooks] = useState<Webhook[]>([]);
  const [draft, setDraft] = useState<{ url: string; format: 'renkei' | 'slack'; events: string[] }>({
    url: '',
    format: 'renkei',
    events: ['conversation.handoff'],
  });
  const [secret, setSecret] = useState<string | null>(null);
  const add = useSubmit();
  const remove = useSubmit();
  const reload = () =>
    void getJson<{ webhooks: Webhook[] }>('/event-webhooks').then(
      (r) => setHooks(r.webhooks),
      (e: unknown) => onError(errorText(e)),
    );
  useEffect(reload, []);
  return (
    <section className="card">
      <h2>{t('team.team.webhooks')}</h2>
      <ul>
        {hooks.map((h) => (
          <li key={h.id}>
            <code>{h.url}</code> ({h.format}) {h.events.join(', ')}{' '}
            <button
              type="button"
              className="danger"
              disabled={remove.pending}
              onClick={() =>
                void remove.run(async () => {
                  await request(`/event-webhooks/${h.id}`, { method: 'DELETE' });
                  reload();
                })
              }
            >
              {t('team.team.remove')}
            </button>
          </li>
        ))}
      </ul>
      <Failure error={remove.error} />
      <form
        className="inline-form"
        aria-busy={add.pending}
        onSubmit={add.onSubmit(async () => {
          setSecret(null);
          const created = await sendJson<Webhook>('/event-webhooks', draft);
          setSecret(created.secret ?? null);
          reload();
        })}
      >
        <label>
          {t('team.team.url')}
          <input type="url" value={draft.url} onChange={(e) => setDraft({ ...draft, url: e.target.value })} required />
        </label>
        <label>
          {t('team.team.format')}
          <select value={draft.format} onChange={(e) => setDraft({ ...draft, format: e.target.value as 'renkei' | 'slack' })}>
            <option value="renkei">Renkei (JSON)</option>
            <option value="slack">Slack</option>
          </select>
        </label>
        <fieldset>
          <legend>{t('team.team.events')}</legend>
          {TEAM_EVENTS.map((ev) => (
            <label key={ev}>
              <input
                type="checkbox"
                checked={draft.events.includes(ev)}
                onChange={(e) => setDraft({ ...draft, events: e.target.checked ? [...draft.events, ev] : draft.events.filter((x) => x !== ev) })}
              />{' '}
              {ev}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={add.pending}>
          {t('team.team.addWebhook')}
        </button>
      </form>
      <Failure error={add.error} />
      {secret && (
        <p role="status">
          <code>{t('team.team.secretOnce', { secret })}</code>
        </p>
      )}
    </section>
  );
}
