import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, call, request } from './api.ts';
import { setAccount, setToken, type SignedInAccount } from './auth.ts';
import { Failure } from './Failure.tsx';
import { useSubmit } from './use-submit.ts';
import { waitText } from './wait-text.ts';

const METHOD = 'renkei.signInWith';

/**
 * Signs a person in with their account (email and password), or with the admin token (the first
 * start, before any account exists). The browser remembers which was used last.
 */
export function Login() {
  const [withToken, setWithToken] = useState(() => localStorage.getItem(METHOD) !== 'account');
  const choose = (token: boolean): void => {
    localStorage.setItem(METHOD, token ? 'token' : 'account');
    setWithToken(token);
  };
  return withToken ? <TokenLogin onSwitch={() => choose(false)} /> : <AccountLogin onSwitch={() => choose(true)} />;
}

function AccountLogin({ onSwitch }: { onSwitch: () => void }) {
  const { t, i18n } = useTranslation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useSubmit((err) => {
    if (err instanceof ApiError && err.status === 401) return t('team.signIn.wrong');
    if (err instanceof ApiError && err.status === 429) return t('team.signIn.lockedOut', { wait: waitText(err.retryAfter ?? 60, i18n.language) });
    return null;
  });
  return (
    <form
      className="login"
      aria-busy={signIn.pending}
      onSubmit={signIn.onSubmit(async () => {
        const res = await call('/api/v1/auth/login', { json: { email: email.trim(), password } });
        setAccount(((await res.json()) as { account: SignedInAccount }).account);
      })}
    >
      <h1>Renkei</h1>
      <label>
        {t('team.signIn.email')}
        <input type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus required />
      </label>
      <label>
        {t('team.signIn.password')}
        <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      <button type="submit" disabled={signIn.pending}>
        {t('team.signIn.submit')}
      </button>
      <Failure error={signIn.error} />
      <button type="button" className="link" onClick={onSwitch}>
        {t('team.signIn.useToken')}
      </button>
    </form>
  );
}

/** Asks for the admin token once per tab and proves it against the API before keeping it. */
function TokenLogin({ onSwitch }: { onSwitch: () => void }) {
  const { t, i18n } = useTranslation();
  const [token, setValue] = useState('');
  /** The server's refusal in the admin's language: a wrong token, or an address locked out for a while. */
  const signIn = useSubmit((err) => {
    if (err instanceof ApiError && err.status === 401) return t('login.wrongToken');
    if (err instanceof ApiError && err.status === 429) return t('login.lockedOut', { wait: waitText(err.retryAfter ?? 60, i18n.language) });
    return null;
  });
  return (
    <form
      className="login"
      aria-busy={signIn.pending}
      onSubmit={signIn.onSubmit(async () => {
        // Kept only once proven: keeping it first would leave this form before the answer came.
        await request('/bots', { token: token.trim() });
        setToken(token.trim());
      })}
    >
      <h1>Renkei</h1>
      <label>
        {t('login.token')}
        <input type="password" value={token} onChange={(e) => setValue(e.target.value)} autoFocus required />
      </label>
      <button type="submit" disabled={signIn.pending}>
        {t('login.submit')}
      </button>
      <Failure error={signIn.error} />
      <button type="button" className="link" onClick={onSwitch}>
        {t('team.signIn.useAccount')}
      </button>
    </form>
  );
}
