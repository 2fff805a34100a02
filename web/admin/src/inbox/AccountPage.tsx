import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, call } from '../api.ts';
import { useAccount } from '../auth.ts';
import { Failure } from '../Failure.tsx';
import { useSubmit } from '../use-submit.ts';

/** The signed-in person's own account: who they are, and a password change. */
export function AccountPage() {
  const { t } = useTranslation();
  const account = useAccount();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [changed, setChanged] = useState(false);
  const change = useSubmit((err) => (err instanceof ApiError && err.code === 'wrong_password' ? t('team.account.wrongCurrent') : null));
  if (!account) return <p className="hint">{t('team.account.tokenOnly')}</p>;
  return (
    <div className="card">
      <h1>{t('team.account.title')}</h1>
      <p>
        {account.name} · {account.email} · {t(`team.team.${account.role}`)}
      </p>
      <form
        className="hours-form"
        aria-busy={change.pending}
        onSubmit={change.onSubmit(async () => {
          setChanged(false);
          await call('/api/v1/auth/password', { json: { current, password: next } });
          setCurrent('');
          setNext('');
          setChanged(true);
        })}
      >
        <h2>{t('team.account.password')}</h2>
        <label>
          {t('team.account.current')}
          <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
        </label>
        <label>
          {t('team.account.new')}
          <input type="password" autoComplete="new-password" minLength={10} value={next} onChange={(e) => setNext(e.target.value)} required />
        </label>
        <button type="submit" disabled={change.pending}>
          {t('team.account.submit')}
        </button>
        {changed && <p role="status">{t('team.account.changed')}</p>}
        <Failure error={change.error} />
      </form>
    </div>
  );
}
